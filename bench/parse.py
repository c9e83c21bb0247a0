"""parse: one JSON document of N ExperimentEvents, ours vs a hand-written plain pydantic model.

Ours:      experiments_sdk.parse_json(list[ExperimentEvent], doc)  (generated/experiments_sdk)
Baseline:  TypeAdapter(list[PlainEvent]).validate_json(doc)         (same fields and types)

Two documents: every event valid, and the same with 1% of events carrying one
bad field. On the bad one plain pydantic raises; its figure is the time it
takes to fail. Before timing, the benchmark checks that ours returns every
event, that the valid document really takes the fast path, and that exactly
the corrupted events (and fields) are flagged by `invalid_fields()`.
"""

# No `from __future__ import annotations`: the plain models are built inside a function.
import argparse
import cProfile
import io
import json
import pstats
import random
import re
import sys
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from . import _common as c

NAME = "parse"
TARGET_VALID = 1.3  # ours / plain on valid data (median)
DEFAULT_REPEAT = 15
SMALL_CALLS = 1000  # the per-call case: this many one-event documents, parsed one by one


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--events", type=int, default=10_000, help="parse: events per document")
    p.add_argument("--bad-percent", type=float, default=1.0, help="parse: %% of bad events")


# ---------------------------------------------------------------- the baseline: plain pydantic


def make_plain(mirror_extras: bool = True) -> Any:
    """The ExperimentEvent schema written by hand as plain pydantic v2 models.

    `mirror_extras`: the nested objects that declare `additionalProperties` in the
    spec (metrics: numbers, context and span_attributes: anything) keep unknown
    keys, as ours does; otherwise pydantic's default (ignore them) everywhere.
    """
    allow = ConfigDict(extra="allow") if mirror_extras else ConfigDict()

    class PlainSpanType(str, Enum):
        LLM = "llm"
        SCORE = "score"
        FUNCTION = "function"
        EVAL = "eval"
        TASK = "task"
        TOOL = "tool"

    class PlainMetrics(BaseModel):
        model_config = allow
        start: float | None = None
        end: float | None = None
        prompt_tokens: int | None = None
        completion_tokens: int | None = None
        tokens: int | None = None
        if mirror_extras:
            __pydantic_extra__: dict[str, float] = Field(init=False)

    class PlainContext(BaseModel):
        model_config = allow
        caller_functionname: str | None = None
        caller_filename: str | None = None
        caller_lineno: int | None = None

    class PlainSpanAttributes(BaseModel):
        model_config = allow
        name: str | None = None
        type: PlainSpanType | None = None

    class PlainOrigin(BaseModel):
        object_type: str
        object_id: str
        id: str
        xact_id: str | None = Field(default=None, alias="_xact_id")
        created: datetime | None = None

    class PlainEvent(BaseModel):
        id: str
        xact_id: str = Field(alias="_xact_id")
        created: datetime
        experiment_id: str
        project_id: str
        root_span_id: str
        span_id: str
        span_parents: list[str] | None = None
        input: Any = None
        output: Any = None
        expected: Any = None
        error: Any = None
        scores: dict[str, Annotated[float, Field(ge=0, le=1)] | None] | None = None
        metadata: dict[str, Any] | None = None
        metrics: PlainMetrics | None = None
        context: PlainContext | None = None
        tags: list[str] | None = None
        span_attributes: PlainSpanAttributes | None = None
        is_root: bool | None = None
        origin: PlainOrigin | None = None

    return PlainEvent


# ---------------------------------------------------------------- data


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


_QUESTIONS = [
    "What is the capital of France?",
    "Summarise the following support ticket in one sentence.",
    "Translate 'good morning' into Japanese.",
    "Which of these invoices is overdue?",
    "Write a SQL query returning the ten newest users.",
]
_MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "llama-3.1-70b"]
_SPAN_TYPES = ["llm", "score", "function", "eval", "task", "tool"]

# How a bad event is corrupted, and the field path ours must flag for it.
_CORRUPTIONS = [
    ("span_id as a number", lambda e: e.__setitem__("span_id", 12345), "span_id"),
    (
        "metrics.start as a string",
        lambda e: e["metrics"].__setitem__("start", "soon"),
        "metrics.start",
    ),
    ("created not a date-time", lambda e: e.__setitem__("created", "yesterday"), "created"),
    ("score out of [0, 1]", lambda e: e["scores"].__setitem__("accuracy", 1.5), "scores.accuracy"),
]


def make_events(n: int, seed: int = 1234) -> list[dict[str, Any]]:
    """Realistic events: traces of a root eval span with task/llm/tool/score children."""
    rng = random.Random(seed)
    experiment_id, project_id = _uuid(rng), _uuid(rng)
    t0 = datetime(2024, 11, 5, 9, 30, tzinfo=timezone.utc)
    events: list[dict[str, Any]] = []
    root_id = ""
    for i in range(n):
        is_root = i % 5 == 0
        span_id = _uuid(rng)
        if is_root:
            root_id = span_id
        created = t0 + timedelta(seconds=i * 0.37, microseconds=rng.randrange(1_000_000))
        start = created.timestamp() - rng.uniform(0.1, 5)
        prompt, completion = rng.randrange(20, 4000), rng.randrange(1, 800)
        question = rng.choice(_QUESTIONS)
        stype = "eval" if is_root else rng.choice(_SPAN_TYPES)
        event: dict[str, Any] = {
            "id": _uuid(rng),
            "_xact_id": str(1000192837465 + i),
            "created": created.isoformat().replace("+00:00", "Z"),
            "experiment_id": experiment_id,
            "project_id": project_id,
            "root_span_id": root_id,
            "span_id": span_id,
            "span_parents": None if is_root else [root_id],
            "input": {
                "messages": [
                    {"role": "system", "content": "You are a helpful assistant."},
                    {"role": "user", "content": question},
                ],
                "params": {"temperature": rng.choice([0, 0.2, 0.7]), "max_tokens": 1024},
            },
            "output": {
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": f"Answer {i}: " + question[::-1],
                        },
                    }
                ]
            },
            "expected": f"reference answer {i % 97}",
            "error": None,
            "scores": {
                "accuracy": round(rng.random(), 4),
                "relevance": round(rng.random(), 4),
                "factuality": None if rng.random() < 0.2 else 1,
            },
            "metadata": {
                "model": rng.choice(_MODELS),
                "dataset": "qa-golden-v3",
                "row": i % 500,
                "user": {"id": f"u_{rng.randrange(10_000)}", "plan": rng.choice(["free", "pro"])},
            },
            "metrics": {
                "start": start,
                "end": created.timestamp(),
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "tokens": prompt + completion,
                "time_to_first_token": round(rng.uniform(0.05, 1.5), 3),  # an extra (typed number)
            },
            "context": {
                "caller_functionname": "run_eval",
                "caller_filename": "/srv/app/evals/qa.py",
                "caller_lineno": 40 + i % 300,
            },
            "tags": ["nightly", rng.choice(["prod", "staging"])],
            "span_attributes": {"name": f"{stype}-{i % 13}", "type": stype},
            "is_root": is_root,
        }
        if i % 3 == 0:
            event["origin"] = {
                "object_type": "dataset",
                "object_id": _uuid(rng),
                "id": _uuid(rng),
                "_xact_id": str(900000 + i),
                "created": (created - timedelta(days=3)).isoformat().replace("+00:00", "Z"),
            }
        events.append(event)
    return events


def corrupt(events: list[dict[str, Any]], percent: float, seed: int = 99) -> dict[int, str]:
    """Corrupt `percent`% of the events in place, one field each: {index: field path}."""
    rng = random.Random(seed)
    count = max(1, round(len(events) * percent / 100))
    bad: dict[int, str] = {}
    for k, i in enumerate(sorted(rng.sample(range(len(events)), count))):
        _, apply, path = _CORRUPTIONS[k % len(_CORRUPTIONS)]
        apply(events[i])
        bad[i] = path
    return bad


def encode(events: list[dict[str, Any]]) -> bytes:
    return json.dumps(events, separators=(",", ":")).encode()


# ---------------------------------------------------------------- ours


def load_ours() -> Any:
    generated = str(c.ROOT / "generated")
    if generated not in sys.path:
        sys.path.insert(0, generated)
    import experiments_sdk
    from experiments_sdk.types import ExperimentEvent

    if not experiments_sdk.__file__.startswith(generated):
        raise c.BenchError(f"imported experiments_sdk from {experiments_sdk.__file__}, not {generated}")
    return experiments_sdk, ExperimentEvent


# ---------------------------------------------------------------- checks


def runtime_calls(sdk: Any, fn: Any) -> set[str]:
    """Names of the functions of the SDK's runtime (`_models.py`) that `fn()` runs."""
    runtime = sys.modules[sdk.__name__ + "._models"].__file__
    seen: set[str] = set()

    def hook(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename == runtime:
            seen.add(frame.f_code.co_name)

    sys.setprofile(hook)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return seen


def _fallback(calls: set[str]) -> set[str]:
    return {name for name in calls if "lenient" in name or "coerce" in name}


def check_valid(sdk: Any, event_tp: Any, plain_ta: TypeAdapter, doc: bytes, n: int) -> None:
    ours_tp = list[event_tp]
    # The fast path must succeed on this document, or we would be timing the fallback.
    fallback = _fallback(runtime_calls(sdk, lambda: sdk.parse_json(ours_tp, doc)))
    if fallback:
        raise c.BenchError(f"valid document takes ours' lenient fallback ({sorted(fallback)})")
    ours = sdk.parse_json(ours_tp, doc)
    plain = plain_ta.validate_json(doc)
    if len(ours) != n or len(plain) != n:
        raise c.BenchError(f"expected {n} events, ours {len(ours)}, plain {len(plain)}")
    flagged = [i for i, e in enumerate(ours) if e.invalid_fields()]
    if flagged:
        raise c.BenchError(f"valid document: ours flags events {flagged[:5]}")
    for i in range(0, n, max(1, n // 200)):  # same values on both sides
        o, p = ours[i], plain[i]
        if not isinstance(o, event_tp):
            raise c.BenchError(f"ours[{i}] is {type(o).__name__}, not {event_tp.__name__}")
        same = (
            o.span_id == p.span_id
            and o.created == p.created
            and o.metrics.start == p.metrics.start
            and o.scores == p.scores
            and o.span_attributes.type.value == p.span_attributes.type.value
            and o.input == p.input
            and (o.origin is None) == (p.origin is None)
            and o.metrics.additional_properties == (p.metrics.__pydantic_extra__ or {})
        )
        if not same:
            raise c.BenchError(f"event {i}: ours and plain disagree:\n{o!r}\n{p!r}")


def check_bad(sdk: Any, event_tp: Any, plain_ta: TypeAdapter, doc: bytes, n: int, bad: dict[int, str]) -> Any:
    if not _fallback(runtime_calls(sdk, lambda: sdk.parse_json(list[event_tp], doc))):
        raise c.BenchError("bad document: ours never reached its lenient fallback")
    ours = sdk.parse_json(list[event_tp], doc)
    if len(ours) != n:
        raise c.BenchError(f"bad document: ours returned {len(ours)} events, expected {n}")
    if not all(isinstance(e, event_tp) for e in ours):
        raise c.BenchError("bad document: ours returned something other than ExperimentEvent")
    flagged = {i: e.invalid_fields() for i, e in enumerate(ours) if e.invalid_fields()}
    if set(flagged) != set(bad):
        missing, extra = sorted(set(bad) - set(flagged)), sorted(set(flagged) - set(bad))
        raise c.BenchError(f"bad document: not flagged {missing[:5]}, wrongly flagged {extra[:5]}")
    coarse: dict[str, str] = {}  # corrupted field -> the (enclosing) path ours flags instead
    for i, paths in flagged.items():
        rel = paths[0].split(".", 1)[-1] if len(paths) == 1 else ""
        if rel != bad[i] and not bad[i].startswith(rel + "."):
            raise c.BenchError(f"event {i}: expected only {bad[i]!r} flagged, got {paths}")
        if rel != bad[i]:
            coarse[bad[i]] = rel
    good = next(i for i in range(n) if i not in bad)
    if ours[good].span_id != json.loads(doc)[good]["span_id"]:
        raise c.BenchError("bad document: a good event lost its values")
    try:
        plain_ta.validate_json(doc)
    except ValidationError as exc:
        errors = exc.error_count()
    else:
        raise c.BenchError("bad document: plain pydantic accepted it (the corruptions are not bad)")
    # One error per bad event, except a bad date-time in a datetime field: also one.
    if errors != len(bad):
        raise c.BenchError(f"plain pydantic reports {errors} errors for {len(bad)} bad events")
    return errors, coarse


def _raises(fn: Any) -> Any:
    def run() -> None:
        try:
            fn()
        except ValidationError:
            return
        raise c.BenchError("baseline was expected to raise")

    return run


def _short(func: str) -> str:
    """`<method 'validate_json' of '...' objects>` -> `validate_json`."""
    m = re.match(r"<(?:method|built-in method) '?([\w.]+)'?", func)
    return m.group(1).rsplit(".", 1)[-1] if m else func


def profile_parse(sdk: Any, tp: Any, doc: bytes, top: int = 12, calls: int = 3) -> tuple[str, str]:
    """cProfile of `calls` parses: the pstats text, and a one-line summary (own time per call)."""
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        sdk.parse_json(tp, doc)
    prof.disable()
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    st.sort_stats("tottime").print_stats(top)
    rows = sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:4]  # type: ignore[attr-defined]
    summary = ", ".join(
        f"{_short(func)} x{nc // calls}: {c.fmt_seconds(tt / calls)}" for (_, _, func), (_, nc, tt, _, _) in rows
    )
    return out.getvalue(), summary


# ---------------------------------------------------------------- run


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.events
    repeat = args.repeat or DEFAULT_REPEAT
    sdk, event_tp = load_ours()
    ours_tp = list[event_tp]
    plain_cls = make_plain(mirror_extras=True)
    plain_ta = TypeAdapter(list[plain_cls])
    plain_default_ta = TypeAdapter(list[make_plain(mirror_extras=False)])

    events = make_events(n)
    valid_doc = encode(events)
    one_docs = [encode(e) for e in events[:SMALL_CALLS]]
    bad = corrupt(events, args.bad_percent)
    bad_doc = encode(events)
    del events
    print(
        f"parse: {n} events, valid doc {len(valid_doc) / c.MIB:.1f} MiB; "
        f"{len(bad)} bad events ({', '.join(d for d, _, _ in _CORRUPTIONS)}); {repeat} runs each"
    )

    # First call: ours builds its schema lazily (defer_build), so time it apart.
    first_ours = c.timed_call(lambda: sdk.parse_json(ours_tp, valid_doc))
    check_valid(sdk, event_tp, plain_ta, valid_doc, n)
    plain_errors, coarse = check_bad(sdk, event_tp, plain_ta, bad_doc, n, bad)

    valid = c.interleave(
        {
            "ours": lambda: c.timed_call(lambda: sdk.parse_json(ours_tp, valid_doc)),
            "plain": lambda: c.timed_call(lambda: plain_ta.validate_json(valid_doc)),
            "plain_default": lambda: c.timed_call(lambda: plain_default_ta.validate_json(valid_doc)),
            "ours_gc_off": lambda: c.timed_call(lambda: sdk.parse_json(ours_tp, valid_doc), True),
            "plain_gc_off": lambda: c.timed_call(lambda: plain_ta.validate_json(valid_doc), True),
        },
        repeat,
        progress="valid",
    )
    for one in one_docs[:3]:  # the per-call case parses valid single events on both sides
        plain_cls.model_validate_json(one)  # raises if not
        if event_tp.from_json(one).invalid_fields():
            raise c.BenchError("single-event document does not parse cleanly")
    small = c.interleave(
        {
            "ours": lambda: c.timed_call(lambda: [event_tp.from_json(d) for d in one_docs]),
            "plain": lambda: c.timed_call(lambda: [plain_cls.model_validate_json(d) for d in one_docs]),
        },
        repeat,
        progress="small",
    )
    invalid = c.interleave(
        {
            "ours": lambda: c.timed_call(lambda: sdk.parse_json(ours_tp, bad_doc)),
            "plain_raises": lambda: c.timed_call(_raises(lambda: plain_ta.validate_json(bad_doc))),
        },
        repeat,
        progress="bad",
    )
    s = {f"valid.{k}": c.stats(v) for k, v in valid.items()}
    s.update({f"bad.{k}": c.stats(v) for k, v in invalid.items()})
    s.update({f"small.{k}": c.stats(v) for k, v in small.items()})
    r_small = c.ratio(s["small.ours"], s["small.plain"])
    r_valid = c.ratio(s["valid.ours"], s["valid.plain"])
    r_valid_default = c.ratio(s["valid.ours"], s["valid.plain_default"])
    r_valid_gc_off = c.ratio(s["valid.ours_gc_off"], s["valid.plain_gc_off"])
    r_bad = c.ratio(s["bad.ours"], s["bad.plain_raises"])
    r_bad_vs_valid = c.ratio(s["bad.ours"], s["valid.plain"])

    def row(label: str, key: str, r: dict[str, float] | None, target: str = "") -> list:
        st = s[key]
        cells = [label, c.fmt_seconds(st["median"]), c.fmt_seconds(st["min"])]
        if r is None:
            return cells + ["", "", target]
        return cells + [f"{r['median']:.2f}x", f"{r['min']:.2f}x", target]

    print(
        c.table(
            ["case", "median", "min", "ratio med", "ratio min", "target"],
            [
                row("valid: plain (baseline)", "valid.plain", None),
                row("valid: plain, pydantic defaults", "valid.plain_default", None),
                row(
                    "valid: ours",
                    "valid.ours",
                    r_valid,
                    f"<= {TARGET_VALID}x {c.verdict(r_valid['median'], TARGET_VALID)}",
                ),
                row("valid: ours vs plain defaults", "valid.ours", r_valid_default),
                row("valid, GC off: plain", "valid.plain_gc_off", None),
                row("valid, GC off: ours", "valid.ours_gc_off", r_valid_gc_off),
                row(f"{len(one_docs)} x 1 event: plain", "small.plain", None),
                row(f"{len(one_docs)} x 1 event: ours from_json", "small.ours", r_small),
                row("1% bad: plain, time to raise", "bad.plain_raises", None),
                row("1% bad: ours (all events kept)", "bad.ours", r_bad),
                row("1% bad: ours vs plain on valid", "bad.ours", r_bad_vs_valid),
            ],
        )
    )
    print(
        f"  first call of ours (builds the deferred schema): {c.fmt_seconds(first_ours)}; "
        f"plain raised with {plain_errors} errors on the bad doc; ours flagged exactly the "
        f"{len(bad)} bad events"
    )
    for field, flagged_as in coarse.items():
        print(f"  note: a bad {field} makes ours flag the whole {flagged_as} (containers are all-or-nothing)")
    payload: dict[str, Any] = {
        "events": n,
        "doc_bytes": len(valid_doc),
        "bad_events": len(bad),
        "repeat": repeat,
        "stats": s,
        "first_call_ours": first_ours,
        "ratios": {
            "valid": r_valid,
            "valid_vs_plain_default": r_valid_default,
            "valid_gc_off": r_valid_gc_off,
            "single_event_calls": r_small,
            "bad_vs_plain_raise": r_bad,
            "bad_vs_plain_valid": r_bad_vs_valid,
        },
        "targets": {"valid": TARGET_VALID},
        "notes": [
            (
                "plain = hand-written pydantic v2 models; nested objects with "
                "additionalProperties in the spec keep extras (as ours); "
                "plain_default ignores extras everywhere"
            ),
            "bad case: plain pydantic raises ValidationError; its time is the time to fail",
            "GC on is the target (as in an application); GC off isolates validation work",
        ]
        + [f"a bad {f} is flagged as the whole {g}" for f, g in coarse.items()],
    }
    if max(r_valid["median"], r_valid_gc_off["median"]) > TARGET_VALID:
        prof, _ = profile_parse(sdk, ours_tp, valid_doc)
        print("  valid ratio above target; profile of ours (3 calls, by own time):")
        print("\n".join("    " + line for line in prof.strip().splitlines()[:30]))
        payload["profile_valid"] = prof
    payload["profile_bad"], summary = profile_parse(sdk, ours_tp, bad_doc, top=15)
    print(f"  where ours spends the 1%-bad parse (own time per call): {summary}")
    return payload
