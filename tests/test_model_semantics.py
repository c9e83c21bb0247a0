"""What the generated models promise (templates/sdk/README.md.j2), checked on real generated code.

The experiments SDK is tested twice: as committed in generated/ and as the current
generator writes it (see conftest). The constructs fixtures (tests/fixtures/constructs*.yaml,
an OpenAPI 3.1 spec and its 3.0 twin) cover the schema constructs our spec lacks.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timezone
from enum import Enum

import pytest
from conftest import Sdk, tree_bytes

UUID1 = "3f9c2a7e-5b14-4d8a-9e61-7c0b2d4f8a13"
UUID2 = "a1d4e6f8-2b3c-4d5e-8f90-1a2b3c4d5e6f"


def full_event() -> dict:
    """An ExperimentEvent with every field set, as the server sends it."""
    return {
        "id": "evt-1",
        "_xact_id": "1000192656880881099",
        "created": "2025-05-12T09:35:10Z",
        "experiment_id": UUID1,
        "project_id": UUID2,
        "root_span_id": "span-root",
        "span_id": "span-1",
        "span_parents": ["span-root"],
        "input": {"article": "The council approved the lanes.", "n": [1, 2, {"deep": None}]},
        "output": "Council approves lanes.",
        "expected": ["any", "json", 3],
        "error": None,
        "scores": {"factuality": 0.9, "brevity": 1, "skipped": None},
        "metadata": {"dataset": "news-v3", "nested": {"a": [True, False]}},
        "metrics": {
            "start": 1715506510.25,
            "end": 1715506512.5,
            "prompt_tokens": 12,
            "tokens": 20,
            "cost": 0.5,
        },
        "context": {
            "caller_functionname": "run",
            "caller_filename": "eval.py",
            "caller_lineno": 12,
            "host": "ci",
        },
        "tags": ["smoke-test"],
        "span_attributes": {"name": "summarise", "type": "llm", "color": "red"},
        "is_root": False,
        "origin": {
            "object_type": "dataset",
            "object_id": UUID1,
            "id": "row-7",
            "_xact_id": "9",
            "created": "2025-05-01T00:00:00Z",
        },
    }


def minimal_event() -> dict:
    return {
        "id": "evt-2",
        "_xact_id": "7",
        "created": "2025-05-12T09:35:10Z",
        "experiment_id": UUID1,
        "project_id": UUID2,
        "root_span_id": "span-root",
        "span_id": "span-2",
    }


def experiment_json(**changes: object) -> dict:
    data = {
        "id": UUID1,
        "name": "Summariser",
        "pipelineId": UUID2,
        "metadata": {"model": "gpt-4o-mini", "temperature": 0.2},
        "status": "EVALUATING",
        "createdAt": "2025-05-12T09:30:00Z",
        "updatedAt": "2025-05-12T09:41:27Z",
    }
    data.update(changes)
    return data


def without(data: dict, *keys: str) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


# Each mutation of a valid event: (name, mutate(event) -> event, paths validate() must name).
MUTATIONS = [
    ("unknown field", lambda e: {**e, "brand_new_field": {"x": [1]}}, []),
    ("unknown nested field", lambda e: {**e, "origin": {**e["origin"], "shard": 3}}, []),
    ("unknown enum value", lambda e: {**e, "span_attributes": {"type": "retrieval"}}, []),
    ("wrong type", lambda e: {**e, "span_id": 12345}, ["ExperimentEvent.span_id"]),
    (
        "wrong type, nested",
        lambda e: {**e, "metrics": {"start": "soon"}},
        ["ExperimentEvent.metrics.start"],
    ),
    ("wrong type, object", lambda e: {**e, "metrics": [1, 2]}, ["ExperimentEvent.metrics"]),
    (
        "wrong type, coercible string",
        lambda e: {**e, "context": {"caller_lineno": "12"}},
        ["ExperimentEvent.context.caller_lineno"],
    ),
    ("wrong type, 1 for a boolean", lambda e: {**e, "is_root": 1}, ["ExperimentEvent.is_root"]),
    (
        "wrong type, number for a date-time",
        lambda e: {**e, "created": 1715506510},
        ["ExperimentEvent.created"],
    ),
    (
        "missing required field",
        lambda e: without(e, "root_span_id"),
        ["ExperimentEvent.root_span_id"],
    ),
    (
        "missing required nested field",
        lambda e: {**e, "origin": without(e["origin"], "object_id")},
        ["ExperimentEvent.origin.object_id"],
    ),
    ("null for a required field", lambda e: {**e, "span_id": None}, ["ExperimentEvent.span_id"]),
    ("null inside an array", lambda e: {**e, "tags": ["a", None]}, ["ExperimentEvent.tags"]),
    (
        "bad typed additional property",
        lambda e: {**e, "metrics": {"cost": "free"}},
        ["ExperimentEvent.metrics.cost"],
    ),
    ("score out of range", lambda e: {**e, "scores": {"f": 1.5}}, ["ExperimentEvent.scores"]),
]


def _parsers(sdk: Sdk):
    Event = sdk.ExperimentEvent
    return {
        "from_json": lambda d: Event.from_json(json.dumps(d)),
        "from_dict": lambda d: Event.from_dict(d),
        "parse_json list": lambda d: sdk.package.parse_json(list[Event], json.dumps([minimal_event(), d]))[1],
        "parse_python list": lambda d: sdk.package.parse_python(list[Event], [d, minimal_event()])[0],
    }


# ---------------------------------------------------------------- parsing never raises


@pytest.mark.parametrize("name,mutate,paths", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_parsing_never_raises_and_names_exactly_the_bad_fields(sdk: Sdk, name, mutate, paths):
    data = mutate(full_event())
    for how, parse in _parsers(sdk).items():
        event = parse(copy.deepcopy(data))
        assert isinstance(event, sdk.ExperimentEvent), how
        bad = [p.split(".", 1)[1] for p in event.invalid_fields()]  # drop the root ("ExperimentEvent" / "list[1]")
        assert sorted(bad) == sorted(p.split(".", 1)[1] for p in paths), (
            how,
            event.invalid_fields(),
        )
        assert event.is_valid() is (not paths)
        assert event.to_dict() == data, how


def test_null_where_not_allowed_for_an_optional_field_is_invalid(sdk: Sdk):
    # `is_root` is `type: boolean`, optional but not nullable: the README's table says
    # "null where not allowed: kept raw; reading the attribute raises InvalidDataError".
    data = {**minimal_event(), "is_root": None, "tags": None}
    event = sdk.ExperimentEvent.from_json(json.dumps(data))
    assert sorted(event.invalid_fields()) == ["ExperimentEvent.is_root", "ExperimentEvent.tags"]
    with pytest.raises(sdk.package.InvalidDataError):
        _ = event.is_root
    assert event._is_root().is_null()
    assert event.to_dict() == data
    # span_parents *is* nullable (`type: [array, 'null']`): null there is fine.
    ok = sdk.ExperimentEvent.from_dict({**minimal_event(), "span_parents": None})
    assert ok.is_valid() and ok.span_parents is None and ok._span_parents().is_null()


def test_everything_wrong_at_once_still_parses(sdk: Sdk):
    data = {
        "span_id": None,
        "created": "not a date",
        "metrics": {"start": [], "tokens": 1.5},
        "span_attributes": 7,
        "x": 1,
    }
    event = sdk.ExperimentEvent.from_json(json.dumps(data))
    assert set(event.invalid_fields()) == {
        "ExperimentEvent.id",
        "ExperimentEvent._xact_id",
        "ExperimentEvent.experiment_id",
        "ExperimentEvent.project_id",
        "ExperimentEvent.root_span_id",
        "ExperimentEvent.span_id",
        "ExperimentEvent.created",
        "ExperimentEvent.metrics.start",
        "ExperimentEvent.metrics.tokens",
        "ExperimentEvent.span_attributes",
    }
    assert event.to_dict() == data
    events = sdk.package.parse_json(list[sdk.ExperimentEvent], json.dumps([data, {}, full_event()]))
    assert [type(e) for e in events] == [sdk.ExperimentEvent] * 3
    assert events[2].is_valid() and not events[1].is_valid()


def test_valid_payload_is_valid_everywhere(sdk: Sdk):
    for how, parse in _parsers(sdk).items():
        event = parse(full_event())
        assert event.is_valid(), (how, event.invalid_fields())
        assert event.invalid_fields() == []
        assert event.validate() is event


# ---------------------------------------------------------------- typed access


def test_typed_attributes(sdk: Sdk):
    event = sdk.ExperimentEvent.from_json(json.dumps(full_event()))
    assert event.span_id == "span-1" and type(event.span_id) is str
    assert event.xact_id == "1000192656880881099"
    assert event.created == datetime(2025, 5, 12, 9, 35, 10, tzinfo=timezone.utc)
    assert event.metrics.start == 1715506510.25 and isinstance(event.metrics.start, float)
    assert event.metrics.prompt_tokens == 12 and type(event.metrics.prompt_tokens) is int
    assert event.context.caller_lineno == 12
    assert event.span_attributes.type is sdk.ExperimentEventSpanAttributesType.LLM
    assert event.origin.created == datetime(2025, 5, 1, tzinfo=timezone.utc)
    assert event.scores == {"factuality": 0.9, "brevity": 1.0, "skipped": None}
    assert event.is_root is False


def test_bad_field_raises_naming_path_expected_and_received(sdk: Sdk):
    event = sdk.ExperimentEvent.from_dict({**full_event(), "span_id": 12345, "metrics": {"start": "soon", "end": 2.5}})
    with pytest.raises(sdk.package.InvalidDataError) as info:
        _ = event.span_id
    err = info.value
    assert err.path == "ExperimentEvent.span_id"
    assert err.expected == "str"
    assert err.received == 12345
    assert "ExperimentEvent.span_id" in str(err) and "str" in str(err) and "12345" in str(err)
    with pytest.raises(sdk.package.InvalidDataError) as info:
        _ = event.metrics.start
    assert info.value.path == "ExperimentEvent.metrics.start" and info.value.received == "soon"
    assert "float" in info.value.expected
    # The rest of the object is still usable.
    assert event.id == "evt-1" and event.metrics.end == 2.5


def test_missing_fields(sdk: Sdk):
    event = sdk.ExperimentEvent.from_dict(without(minimal_event(), "span_id"))
    assert event.metrics is None and event.tags is None and event.input is None  # optional: None
    with pytest.raises(sdk.package.InvalidDataError) as info:
        _ = event.span_id  # required: raises
    assert info.value.path == "ExperimentEvent.span_id"
    assert "missing" in str(info.value)


# ---------------------------------------------------------------- JsonField


def test_json_field_states(sdk: Sdk):
    data = {
        **without(minimal_event(), "root_span_id"),
        "span_id": 5,
        "span_parents": None,
        "metrics": {"start": 1},
    }
    event = sdk.ExperimentEvent.from_dict(data)
    known, invalid, missing, null = (
        event._id(),
        event._span_id(),
        event._root_span_id(),
        event._span_parents(),
    )
    assert (known.is_known(), known.is_missing(), known.is_null(), known.is_invalid()) == (
        True,
        False,
        False,
        False,
    )
    assert known.value == "evt-2" and known.raw == "evt-2"
    assert (invalid.is_known(), invalid.is_invalid()) == (False, True)
    assert invalid.value is None and invalid.raw == 5
    assert (missing.is_missing(), missing.is_known(), missing.value, missing.raw) == (
        True,
        False,
        None,
        None,
    )
    assert (null.is_null(), null.is_known(), null.value, null.raw) == (True, False, None, None)
    optional_missing = event._tags()
    assert optional_missing.is_missing() and optional_missing.raw is None
    created = event._created()
    assert created.is_known() and created.value == datetime(2025, 5, 12, 9, 35, 10, tzinfo=timezone.utc)
    assert created.raw == "2025-05-12T09:35:10Z"
    # A nested object's raw JSON is what was received: no fields added.
    metrics = event._metrics()
    assert metrics.is_known() and metrics.raw == {"start": 1}
    assert isinstance(metrics.value, sdk.ExperimentEventMetrics)


def test_json_field_never_raises(sdk: Sdk):
    data = {
        "span_id": [],
        "created": {},
        "metrics": "x",
        "origin": {"object_type": 1},
        "input": {"q": 1},
    }
    event = sdk.ExperimentEvent.from_dict(data)
    fields = sdk.ExperimentEvent.model_fields
    states = {}
    for name in fields:
        field = getattr(event, f"_{name}")()  # never raises
        states[name] = (field.is_known(), field.is_missing(), field.is_null(), field.is_invalid())
        assert sum(states[name]) == 1, name
        repr(field)
    assert states["span_id"][3] and states["created"][3] and states["metrics"][3]
    assert states["id"][1] and states["tags"][1]
    assert event._origin().is_known()  # an object with bad fields inside is still the object
    assert event._origin().raw == {"object_type": 1}


def test_untyped_fields_give_raw_json(sdk: Sdk):
    event = sdk.ExperimentEvent.from_json(json.dumps(full_event()))
    assert event.input == {
        "article": "The council approved the lanes.",
        "n": [1, 2, {"deep": None}],
    }
    assert event._input().is_known() and event._input().raw == full_event()["input"]
    assert event._output().raw == "Council approves lanes." and event.output == "Council approves lanes."
    assert event._expected().value == ["any", "json", 3]
    assert event._error().is_null()
    for value in (0, 1.5, "s", True, [None], {"k": {"k": []}}):
        e = sdk.ExperimentEvent.from_dict({**minimal_event(), "input": value})
        assert e.is_valid() and e.input == value and e._input().raw == value
        assert type(e.input) is type(value)


# ---------------------------------------------------------------- validate()


def test_validate_lists_every_bad_field_recursively(sdk: Sdk):
    data = {
        **without(full_event(), "id"),
        "span_id": 1,
        "metrics": {"start": "a", "end": "b", "tokens": 2},
        "origin": {"object_type": "dataset", "id": "r"},
        "context": {"caller_lineno": 1.5},
        "span_attributes": {"type": "tool"},
    }
    event = sdk.ExperimentEvent.from_dict(data)
    expected = {
        "ExperimentEvent.id",
        "ExperimentEvent.span_id",
        "ExperimentEvent.metrics.start",
        "ExperimentEvent.metrics.end",
        "ExperimentEvent.origin.object_id",
        "ExperimentEvent.context.caller_lineno",
    }
    assert not event.is_valid()
    with pytest.raises(sdk.package.InvalidDataError) as info:
        event.validate()
    err = info.value
    assert {p.path for p in err.problems} == expected
    assert set(event.invalid_fields()) == expected
    for path in expected:
        assert path in str(err)
    assert str(len(expected)) in str(err).splitlines()[0]
    # Nested models answer for themselves too.
    assert set(event.metrics.invalid_fields()) == {
        "ExperimentEvent.metrics.start",
        "ExperimentEvent.metrics.end",
    }
    assert event.span_attributes.is_valid()


def test_validate_in_lists_names_the_index(sdk: Sdk):
    page = {"events": [minimal_event(), {**minimal_event(), "metrics": {"tokens": "many"}}]}
    parsed = sdk.FetchEventsResponse.from_json(json.dumps(page))
    assert parsed.invalid_fields() == ["FetchEventsResponse.events[1].metrics.tokens"]
    assert parsed.events[0].is_valid() and not parsed.events[1].is_valid()
    assert parsed.to_dict() == page


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize(
    "data",
    [
        full_event(),
        minimal_event(),
        {
            **full_event(),
            "unknown": {"a": [1, None]},
            "span_id": 5,
            "metrics": {"start": "x", "weird": "y"},
        },
        {"nothing": "known"},
        {**minimal_event(), "span_parents": None, "error": None, "input": None},
    ],
    ids=["full", "minimal", "unknown-and-bad", "only-unknown", "explicit-nulls"],
)
def test_round_trip_is_lossless(sdk: Sdk, data):
    event = sdk.ExperimentEvent.from_json(json.dumps(data))
    assert event.to_dict() == data
    assert json.loads(event.to_json()) == data
    assert json.loads(event.to_json(indent=2)) == data
    again = sdk.ExperimentEvent.from_json(event.to_json())
    assert again == event and again.to_dict() == data
    assert sdk.ExperimentEvent.from_dict(event.to_dict()) == event
    assert sdk.ExperimentEvent.from_dict(data) == event


def test_date_times_are_re_emitted_in_rfc3339(sdk: Sdk):
    event = sdk.ExperimentEvent.from_dict({**minimal_event(), "created": "2025-05-12T11:35:10.500+02:00"})
    assert event.is_valid()
    out = event.to_dict()["created"]
    assert datetime.fromisoformat(out.replace("Z", "+00:00")) == datetime(
        2025, 5, 12, 9, 35, 10, 500000, tzinfo=timezone.utc
    )


def test_unknown_fields_are_kept(sdk: Sdk):
    event = sdk.ExperimentEvent.from_dict({**minimal_event(), "team": "search", "weights": [1, 2]})
    assert event.additional_properties == {"team": "search", "weights": [1, 2]}
    assert event.is_valid()
    metrics = sdk.ExperimentEvent.from_dict({**minimal_event(), "metrics": {"cost": 2.5}}).metrics
    assert metrics.additional_properties == {"cost": 2.5}


# ---------------------------------------------------------------- builders


def test_builder_typed_raw_and_additional_setters(sdk: Sdk):
    Event = sdk.ExperimentEvent
    event = (
        Event.builder()
        .id("evt_1")
        .xact_id("x")
        .created(datetime(2025, 5, 12, 9, 35, 10, tzinfo=timezone.utc))
        .experiment_id(UUID1)
        .project_id(UUID2)
        .root_span_id("root")
        .raw("span_id", 123)
        .additional_property("team", "search")
        .additional_properties({"shard": 3})
        .span_attributes(
            sdk.ExperimentEventSpanAttributes.builder().type(sdk.ExperimentEventSpanAttributesType.TOOL).build()
        )
        .metrics(sdk.ExperimentEventMetrics.builder().start(1.5).build())
        .tags(["a"])
        .build()
    )
    assert isinstance(event, Event)
    assert event.id == "evt_1" and event.xact_id == "x" and event.tags == ["a"]
    assert event.additional_properties == {"team": "search", "shard": 3}
    assert event.invalid_fields() == ["ExperimentEvent.span_id"]
    assert event._span_id().raw == 123
    assert event.span_attributes.type is sdk.ExperimentEventSpanAttributesType.TOOL
    # Exactly what was set: a nested model set with a builder gains no nulls.
    assert event.to_dict() == {
        "id": "evt_1",
        "_xact_id": "x",
        "created": "2025-05-12T09:35:10Z",
        "experiment_id": UUID1,
        "project_id": UUID2,
        "root_span_id": "root",
        "span_id": 123,
        "team": "search",
        "shard": 3,
        "span_attributes": {"type": "tool"},
        "metrics": {"start": 1.5},
        "tags": ["a"],
    }


def test_builder_raw_by_wire_name_and_by_attribute_name(sdk: Sdk):
    exp = sdk.Experiment.builder().raw("pipeline_id", UUID2).raw("createdAt", "2025-05-12T09:30:00Z")
    exp = (
        exp.id(UUID1)
        .name(None)
        .metadata(None)
        .status(sdk.ExperimentStatus.GENERATING)
        .updated_at(datetime(2025, 5, 12, tzinfo=timezone.utc))
        .build()
    )
    assert exp.is_valid(), exp.invalid_fields()
    assert exp.pipeline_id == UUID2 and exp.created_at == datetime(2025, 5, 12, 9, 30, tzinfo=timezone.utc)
    assert exp.to_dict()["pipelineId"] == UUID2 and "pipeline_id" not in exp.to_dict()


def test_build_names_all_missing_required_fields(sdk: Sdk):
    with pytest.raises(sdk.package.MissingFieldsError) as info:
        sdk.ExperimentEvent.builder().id("e").span_id("s").build()
    missing = set(info.value.missing)
    assert missing == {"_xact_id", "created", "experiment_id", "project_id", "root_span_id"}
    for name in missing:
        assert name in str(info.value)
    with pytest.raises(sdk.package.MissingFieldsError) as info:
        sdk.Experiment.builder().build()
    assert set(info.value.missing) == {
        "id",
        "name",
        "pipelineId",
        "metadata",
        "status",
        "createdAt",
        "updatedAt",
    }
    # Nullable but required: null is a value.
    with pytest.raises(sdk.package.MissingFieldsError) as info:
        sdk.Experiment.builder().name(None).build()
    assert "name" not in info.value.missing


def test_to_builder_copies(sdk: Sdk):
    original = sdk.ExperimentEvent.from_dict({**full_event(), "extra": 1, "span_id": 9})
    before = original.to_dict()
    copy_ = original.to_builder().id("evt-copy").tags(["b"]).build()
    assert copy_.id == "evt-copy" and copy_.tags == ["b"]
    assert original.id == "evt-1" and original.tags == ["smoke-test"]
    assert original.to_dict() == before
    assert copy_.additional_properties == {"extra": 1}
    assert copy_._span_id().raw == 9 and copy_.invalid_fields() == ["ExperimentEvent.span_id"]
    assert copy_.to_dict() == {**before, "id": "evt-copy", "tags": ["b"]}
    assert original.to_builder().build() == original


# ---------------------------------------------------------------- open enums


def test_open_enums(sdk: Sdk):
    Status = sdk.ExperimentStatus
    assert issubclass(Status, Enum)
    assert Status("GENERATING") is Status.GENERATING
    assert Status.GENERATING == "GENERATING" and Status.GENERATING.is_known
    unknown = Status("ARCHIVED")
    assert isinstance(unknown, Status) and unknown.value == "ARCHIVED" and unknown.is_known is False
    assert unknown not in list(Status) and len(list(Status)) == 2
    assert Status("ARCHIVED") is unknown  # one instance per value
    exp = sdk.Experiment.from_json(json.dumps(experiment_json(status="ARCHIVED")))
    assert exp.is_valid() and exp.status == unknown and exp.status.is_known is False
    assert exp.to_dict()["status"] == "ARCHIVED"
    known = sdk.Experiment.from_json(json.dumps(experiment_json(status="GENERATING")))
    assert known.status is Status.GENERATING
    # An enum value of the wrong JSON type is a bad field, not a new enum value.
    wrong = sdk.Experiment.from_dict(experiment_json(status=3))
    assert wrong.invalid_fields() == ["Experiment.status"] and wrong.to_dict()["status"] == 3


# ---------------------------------------------------------------- strict mode


def test_strict_mode_raises_on_bad_fields(sdk: Sdk):
    Event = sdk.ExperimentEvent
    bad = json.dumps({**full_event(), "span_id": 5})
    with pytest.raises(sdk.package.InvalidDataError) as info:
        Event.from_json(bad, strict=True)
    assert info.value.path.endswith("span_id") and info.value.received == 5
    with pytest.raises(sdk.package.InvalidDataError):
        Event.from_dict(without(full_event(), "id"), strict=True)
    with pytest.raises(sdk.package.InvalidDataError):
        sdk.package.parse_json(list[Event], json.dumps([full_event(), {**full_event(), "created": "?"}]), strict=True)
    with pytest.raises(sdk.package.InvalidDataError):
        sdk.package.parse_python(list[Event], [{**full_event(), "is_root": "yes"}], strict=True)
    # Unknown fields and enum values are not errors, even in strict mode.
    ok = Event.from_json(json.dumps({**full_event(), "new": 1, "span_attributes": {"type": "new-kind"}}), strict=True)
    assert ok.is_valid() and ok.span_attributes.type.is_known is False


# ---------------------------------------------------------------- repr and equality


def test_repr_shows_fields(sdk: Sdk):
    event = sdk.ExperimentEvent.from_dict({**minimal_event(), "span_id": 77, "team": "x"})
    text = repr(event)
    assert text.startswith("ExperimentEvent(")
    for part in ("id='evt-2'", "root_span_id='span-root'", "team='x'", "span_id=Invalid(77)"):
        assert part in text, text
    assert "Invalid(<missing>)" in repr(sdk.ExperimentEvent.from_dict(without(minimal_event(), "id")))


def test_equality(sdk: Sdk):
    E = sdk.ExperimentEvent
    assert E.from_dict(full_event()) == E.from_json(json.dumps(full_event()))
    assert E.from_dict(full_event()) != E.from_dict({**full_event(), "id": "other"})
    assert E.from_dict({**full_event(), "x": 1}) == E.from_dict({**full_event(), "x": 1})
    assert E.from_dict({**full_event(), "x": 1}) != E.from_dict({**full_event(), "x": 2})
    assert E.from_dict({**full_event(), "x": 1}) != E.from_dict(full_event())
    assert E.from_dict({**full_event(), "span_id": 1}) == E.from_dict({**full_event(), "span_id": 1})
    assert E.from_dict({**full_event(), "span_id": 1}) != E.from_dict({**full_event(), "span_id": 2})
    assert E.from_dict({**full_event(), "span_id": 1}) != E.from_dict({**full_event(), "span_id": "1"})
    nested = {**full_event(), "metrics": {"start": 1, "cost": 2}}
    assert E.from_dict(nested) != E.from_dict({**nested, "metrics": {"start": 1, "cost": 3}})
    # A model with the same content compares equal wherever it was parsed.
    page = sdk.FetchEventsResponse.from_dict({"events": [{**minimal_event(), "span_id": 5}]})
    assert page.events[0] == E.from_dict({**minimal_event(), "span_id": 5})


# ---------------------------------------------------------------- camelCase aliases


def test_camel_case_aliases(sdk: Sdk):
    exp = sdk.Experiment.from_json(json.dumps(experiment_json()))
    assert exp.is_valid()
    assert exp.pipeline_id == UUID2
    assert exp.created_at == datetime(2025, 5, 12, 9, 30, tzinfo=timezone.utc)
    assert exp.updated_at == datetime(2025, 5, 12, 9, 41, 27, tzinfo=timezone.utc)
    assert exp._pipeline_id().raw == UUID2
    assert exp.to_dict() == experiment_json()
    page = sdk.ExperimentList.from_json(json.dumps({"data": [experiment_json()], "next_cursor": None}))
    assert page.data[0].pipeline_id == UUID2 and page.next_cursor is None


def test_python_names_are_not_wire_names(sdk: Sdk):
    # A key spelled like the Python attribute is an unknown property, not the field.
    data = {**without(experiment_json(), "pipelineId"), "pipeline_id": UUID2}
    exp = sdk.Experiment.from_json(json.dumps(data))
    assert exp.invalid_fields() == ["Experiment.pipelineId"]
    assert exp.additional_properties == {"pipeline_id": UUID2}
    assert exp.to_dict() == data
    both = sdk.Experiment.from_dict({**experiment_json(), "pipeline_id": "other"})
    assert both.pipeline_id == UUID2 and both.additional_properties == {"pipeline_id": "other"}
    assert both.to_dict() == {**experiment_json(), "pipeline_id": "other"}


def test_nullable_required_fields(sdk: Sdk):
    exp = sdk.Experiment.from_dict(experiment_json(name=None, metadata=None))
    assert exp.is_valid() and exp.name is None and exp._name().is_null()
    missing = sdk.Experiment.from_dict(without(experiment_json(), "name"))
    assert missing.invalid_fields() == ["Experiment.name"] and missing._name().is_missing()


# ================================================================ constructs fixtures


def test_30_and_31_twins_generate_the_same_types(constructs31_sdk: Sdk, constructs30_sdk: Sdk):
    """nullable, boolean exclusive bounds, single-value enums and example in 3.0 mean what 3.1 says."""
    a = tree_bytes(constructs31_sdk.root / "constructs" / "types")
    b = tree_bytes(constructs30_sdk.root / "constructs" / "types")
    assert sorted(a) == sorted(b)

    def strip(content: bytes) -> bytes:
        return content.split(b"\n", 1)[1]  # the header line names the source file

    assert {k: strip(v) for k, v in a.items()} == {k: strip(v) for k, v in b.items()}


def _check(model_cls, data, bad=()):
    """Parse `data` both ways; the same bad fields, and the same JSON back."""
    from_json = model_cls.from_json(json.dumps(data))
    from_dict = model_cls.from_dict(copy.deepcopy(data))
    assert from_json == from_dict
    assert sorted(from_json.invalid_fields()) == sorted(bad), from_json.invalid_fields()
    assert from_json.to_dict() == data
    assert model_cls.from_json(from_json.to_json()) == from_json
    return from_json


def test_one_of_with_discriminator(constructs: Sdk):
    owner = _check(
        constructs.Owner,
        {
            "pet": {"pet_type": "dog", "name": "Rex", "good_boy": True},
            "identifier": "o-1",
            "pets": [
                {"pet_type": "cat", "name": "Tom", "lives": 9},
                {"pet_type": "dog", "name": "Fido"},
            ],
        },
    )
    assert isinstance(owner.pet, constructs.Dog) and owner.pet.good_boy is True
    assert [type(p) for p in owner.pets] == [constructs.Cat, constructs.Dog]
    assert owner.pets[0].lives == 9
    bad = _check(
        constructs.Owner,
        {"pet": {"pet_type": "cat", "name": 5}, "identifier": 1},
        ["Owner.pet.name"],
    )
    assert isinstance(bad.pet, constructs.Cat)  # the variant that fits best
    _check(
        constructs.Owner,
        {"pet": {"pet_type": "cat", "name": "x", "lives": 10}, "identifier": 1},
        ["Owner.pet.lives"],
    )
    _check(constructs.Owner, {"pet": "a cat", "identifier": 1}, ["Owner.pet"])
    _check(constructs.Owner, {"identifier": 1}, ["Owner.pet"])


def test_any_of_without_discriminator(constructs: Sdk):
    square = _check(
        constructs.Owner,
        {"pet": {"pet_type": "cat", "name": "T"}, "identifier": 1, "shape": {"side": 2}},
    )
    assert isinstance(square.shape, constructs.Square) and square.shape.side == 2
    circle = _check(
        constructs.Owner,
        {"pet": {"pet_type": "cat", "name": "T"}, "identifier": 1, "shape": {"radius": 0.5}},
    )
    assert isinstance(circle.shape, constructs.Circle)
    _check(
        constructs.Owner,
        {"pet": {"pet_type": "cat", "name": "T"}, "identifier": 1, "shape": {"radius": -1}},
        ["Owner.shape.radius"],
    )


def test_one_of_primitives(constructs: Sdk):
    for ok in ("id", 7, ""):
        owner = _check(constructs.Owner, {"pet": {"pet_type": "cat", "name": "T"}, "identifier": ok})
        assert owner.identifier == ok and type(owner.identifier) is type(ok)
    for bad in (1.5, True, None, [1], {"a": 1}):
        _check(
            constructs.Owner,
            {"pet": {"pet_type": "cat", "name": "T"}, "identifier": bad},
            ["Owner.identifier"],
        )


def test_all_of_merges_members(constructs: Sdk):
    thing = _check(
        constructs.NamedThing,
        {"id": UUID1, "label": "x", "created": "2025-05-12T09:30:00Z", "secret": "s"},
    )
    assert thing.id == UUID1 and thing.label == "x" and thing.secret == "s"
    assert thing.created == datetime(2025, 5, 12, 9, 30, tzinfo=timezone.utc)
    _check(constructs.NamedThing, {}, ["NamedThing.id", "NamedThing.label"])  # required from both members
    _check(constructs.NamedThing, {"id": UUID1, "label": ""}, ["NamedThing.label"])  # minLength from the inline member


def test_nullable(constructs: Sdk):
    N = constructs.Nullables
    nulls = _check(
        N,
        {
            "required_nullable": None,
            "optional_nullable": None,
            "nullable_ref": None,
            "nullable_array": None,
        },
    )
    assert nulls.required_nullable is None and nulls._required_nullable().is_null()
    values = _check(
        N,
        {
            "required_nullable": "x",
            "optional_nullable": 3,
            "nullable_ref": {"radius": 1},
            "nullable_array": ["a"],
        },
    )
    assert isinstance(values.nullable_ref, constructs.Circle) and values.nullable_array == ["a"]
    _check(N, {}, ["Nullables.required_nullable"])
    _check(
        N,
        {"required_nullable": 1, "nullable_ref": {"radius": "r"}},
        ["Nullables.required_nullable", "Nullables.nullable_ref.radius"],
    )


def test_null_for_a_non_nullable_optional_field_is_invalid(constructs: Sdk):
    _check(
        constructs.Nullables,
        {"required_nullable": "x", "not_nullable": None},
        ["Nullables.not_nullable"],
    )


def test_arrays_and_maps(constructs: Sdk):
    full = {
        "strings": ["a", "b"],
        "matrix": [[1, 2.5], []],
        "circles": [{"radius": 1}, {"radius": 2, "extra": True}],
        "counts": {"a": 1, "b": -2},
        "shapes_by_name": {"s": {"side": 1}},
        "anything": {"x": [1, {"y": None}], "z": "q"},
    }
    c = _check(constructs.Collections, full)
    assert c.matrix == [[1.0, 2.5], []] and c.counts == {"a": 1, "b": -2}
    assert isinstance(c.circles[1], constructs.Circle) and c.circles[1].additional_properties == {"extra": True}
    assert isinstance(c.shapes_by_name["s"], constructs.Square)
    _check(
        constructs.Collections,
        {
            "circles": [{"radius": 1}, {"radius": "big"}],
            "shapes_by_name": {"s": {"side": "q"}},
            "counts": {"a": "1"},
        },
        [
            "Collections.circles[1].radius",
            "Collections.shapes_by_name.s.side",
            "Collections.counts",
        ],
    )
    _check(
        constructs.Collections,
        {"strings": "abc", "matrix": [1]},
        ["Collections.strings", "Collections.matrix"],
    )


def test_typed_additional_properties(constructs: Sdk):
    labelled = _check(constructs.Labelled, {"name": "n", "a": 1, "b": 2})
    assert labelled.additional_properties == {"a": 1, "b": 2}
    _check(constructs.Labelled, {"name": "n", "a": 1, "b": "two"}, ["Labelled.b"])
    catalog = _check(constructs.Catalog, {"title": "t", "a": {"side": 1}})
    assert catalog.is_valid()
    # A bad field inside a model-typed additional property is found too.
    _check(constructs.Catalog, {"title": "t", "a": {"side": 1}, "b": {"side": "q"}}, ["Catalog.b.side"])
    _check(constructs.Catalog, {"b": {"side": "q"}}, ["Catalog.b.side"])


def test_recursive_schemas(constructs: Sdk):
    tree = {
        "value": 1,
        "children": [{"value": 2, "children": [{"value": 3}]}, {"value": 4}],
        "parent": {"value": 0},
    }
    node = _check(constructs.TreeNode, tree)
    assert node.children[0].children[0].value == 3 and node.parent.value == 0
    assert isinstance(node.children[1], constructs.TreeNode)
    deep = {"value": 0}
    for i in range(1, 60):
        deep = {"value": i, "children": [deep]}
    _check(constructs.TreeNode, deep)
    _check(
        constructs.TreeNode,
        {"value": 1, "children": [{"value": 2, "children": [{"value": "3"}]}]},
        ["TreeNode.children[0].children[0].value"],
    )
    ping = _check(constructs.Ping, {"n": 1, "pong": {"n": 2, "ping": {"n": 3, "pong": {}}}})
    assert isinstance(ping.pong.ping.pong, constructs.Pong)
    _check(constructs.Ping, {"pong": {"ping": {"n": "x"}}}, ["Ping.pong.ping.n"])


def test_const(constructs: Sdk):
    s = _check(constructs.Settings, {"kind": "settings", "version": 2})
    assert s.kind == "settings" and s.version == 2
    _check(constructs.Settings, {"kind": "other", "version": 3}, ["Settings.kind", "Settings.version"])
    _check(constructs.Settings, {"kind": "settings", "version": "2"}, ["Settings.version"])


def test_defaults(constructs: Sdk):
    # A missing field with a spec default: "no value for an optional field: the attribute is None",
    # and to_dict() leaves it out (the server applies the default, the SDK does not invent data).
    s = _check(constructs.Settings, {"kind": "settings"})
    assert s.limit is None and s.mode is None and s.tags is None
    assert s._limit().is_missing()
    given = _check(constructs.Settings, {"kind": "settings", "limit": 25, "mode": "careful", "tags": ["x"]})
    assert given.limit == 25 and given.mode is constructs.SettingsMode.CAREFUL


def test_enums_of_every_base(constructs: Sdk):
    s = _check(constructs.Settings, {"kind": "settings", "mode": "slow mode", "level": 2, "ratio": 0.5})
    assert s.mode is constructs.SettingsMode.SLOW_MODE and s.level is constructs.SettingsLevel.VALUE_2
    assert s.ratio is constructs.SettingsRatio.VALUE_0_5
    u = _check(constructs.Settings, {"kind": "settings", "mode": "turbo", "level": 7, "ratio": 2.5})
    assert (u.mode.is_known, u.level.is_known, u.ratio.is_known) == (False, False, False)
    assert (u.mode.value, u.level.value, u.ratio.value) == ("turbo", 7, 2.5)
    repr(u.mode), repr(u.level), repr(u.ratio)
    whole = _check(constructs.Settings, {"kind": "settings", "ratio": 2})  # a JSON integer is a number
    assert whole.ratio.value == 2 and whole.ratio.is_known is False
    repr(whole.ratio)
    _check(
        constructs.Settings,
        {"kind": "settings", "mode": 1, "level": "2", "ratio": "0.5"},
        ["Settings.mode", "Settings.level", "Settings.ratio"],
    )


def test_formats(constructs: Sdk):
    data = {
        "when": "2025-05-12T09:30:00+02:00",
        "day": "2025-05-12",
        "uid": UUID1,
        "blob": "aGVsbG8=",
        "ratio": 0.5,
    }
    f = _check(constructs.Formats, data)
    assert f.when == datetime(2025, 5, 12, 7, 30, tzinfo=timezone.utc) and f.when.utcoffset().total_seconds() == 7200
    assert type(f.day) is date and f.day == date(2025, 5, 12)
    assert f.uid == UUID1 and f.blob == "aGVsbG8="
    _check(
        constructs.Formats,
        {"when": "yesterday", "day": "2025-13-45", "ratio": 1, "uid": 5},
        ["Formats.when", "Formats.day", "Formats.ratio", "Formats.uid"],
    )
    _check(
        constructs.Formats,
        {"when": "2025-05-12", "day": "2025-05-12T00:00:00Z"},
        ["Formats.when", "Formats.day"],
    )
    _check(constructs.Formats, {"ratio": 0}, ["Formats.ratio"])  # exclusiveMinimum


def test_read_only_and_write_only(constructs: Sdk):
    # readOnly fields come back in responses; round-trip them.
    thing = _check(constructs.NamedThing, {"id": UUID1, "created": "2025-05-12T09:30:00Z", "label": "l"})
    assert thing.id == UUID1
    # OpenAPI: "If the property is marked as writeOnly being true and is in the required
    # list, the required will take effect on the request only." A response never carries it.
    account = _check(constructs.Account, {"id": "a-1", "email": "a@example.com"})
    assert account.password is None and account._password().is_missing()


def test_builders_on_constructs(constructs: Sdk):
    owner = (
        constructs.Owner.builder()
        .pet(constructs.Cat.builder().pet_type("cat").name("Tom").build())
        .identifier(3)
        .pets([constructs.Dog.builder().pet_type("dog").name("Rex").build()])
        .build()
    )
    assert owner.is_valid(), owner.invalid_fields()
    assert owner.to_dict() == {
        "pet": {"pet_type": "cat", "name": "Tom"},
        "identifier": 3,
        "pets": [{"pet_type": "dog", "name": "Rex"}],
    }
    assert isinstance(owner.pets[0], constructs.Dog)
    f = (
        constructs.Formats.builder()
        .when(datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
        .day(date(2025, 1, 2))
        .build()
    )
    assert f.is_valid() and f.to_dict() == {"when": "2025-01-02T03:04:05Z", "day": "2025-01-02"}
    with pytest.raises(constructs.package.MissingFieldsError) as info:
        constructs.NamedThing.builder().build()
    assert set(info.value.missing) == {"id", "label"}


def test_references_to_nullable_components(constructs: Sdk):
    # NullableStatus / NullableBox allow null themselves (3.1: "null" in `type`; 3.0: `nullable`),
    # so a required property that refers to them accepts null.
    h = _check(constructs.Holder, {"status": None, "box": None, "statuses": ["open", None, "archived"]})
    assert h.status is None and h.box is None
    assert h.statuses[0] is constructs.NullableStatus.OPEN and h.statuses[1] is None
    assert h.statuses[2].is_known is False
    h = _check(constructs.Holder, {"status": "closed", "box": {"size": 2}})
    assert h.status is constructs.NullableStatus.CLOSED and h.box.size == 2
    _check(
        constructs.Holder,
        {"status": 1, "box": {"size": "big"}},
        ["Holder.status", "Holder.box.size"],
    )
