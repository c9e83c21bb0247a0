"""Errors raised by the client. No credential ever appears in any of them.

SdkError                            (exported as `<Client>Error`, e.g. `GentraceError`)
├── InvalidDataError                (a bad field of a model was read)
├── MissingFieldsError              (a model builder lacks required fields)
└── APIError
    ├── APIConnectionError          (the request did not get a response)
    │   └── APITimeoutError
    ├── APIStatusError              (a 4xx/5xx response; one subclass per status)
    ├── APIResponseValidationError  (a 2xx body that cannot be decoded; strict mode: one that does not match the spec)
    └── MissingCredentialsError
"""

from __future__ import annotations

from typing import Any

import httpx

from ._types import SdkError

__all__ = [
    "SdkError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "MissingCredentialsError",
]


class APIError(SdkError):
    message: str
    request: httpx.Request
    body: object | None
    """The parsed JSON body of the error response (or its text), if any."""

    def __init__(self, message: str, request: httpx.Request, *, body: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    def __init__(self, *, request: httpx.Request, message: str = "Connection error.") -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    def __init__(self, *, request: httpx.Request) -> None:
        super().__init__(request=request, message="Request timed out.")


class APIStatusError(APIError):
    response: httpx.Response
    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers


class APIResponseValidationError(APIError):
    response: httpx.Response
    status_code: int

    def __init__(self, *, response: httpx.Response, body: object | None, message: str) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    pass


class MissingCredentialsError(APIError):
    """A call needs a credential the client was not given (raised when the client is created if
    every call needs one). The message names the arguments and environment variables to set."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.body = None


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(response: httpx.Response, body: object | None) -> APIStatusError:
    """The error for a 4xx/5xx response, with a message from its body when it has one."""
    detail: Any = body
    if isinstance(body, dict):
        inner = body.get("error", body)
        detail = inner.get("message", inner) if isinstance(inner, dict) else inner
    message = f"Error code: {response.status_code}" + (
        f" - {detail}" if detail not in (None, "") else ""
    )
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(message, response=response, body=body)
