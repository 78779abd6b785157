"""Every error Frontdesk raises on purpose.

Each boundary translates these once: the API into one JSON error body
(``{"error": {"code", "message", "field"?}}``) with the status below, the CLI into a
clean message and exit code 2.

    FrontdeskError
    ├── ConfigurationError          (500) settings or release config are unusable
    ├── AuthenticationError         (401) missing, malformed, unknown or revoked API key
    ├── PermissionDeniedError       (403) the key's role may not do this
    ├── NotFoundError               (404) no such record *for this tenant*
    ├── ConflictError               (409) the request contradicts current state
    ├── PayloadTooLargeError        (413) body or field over the configured limit
    ├── InvalidInputError           (422) a field is missing or malformed
    ├── RateLimitedError            (429) too many requests for this key
    └── ServiceUnavailableError     (503) a dependency (database, model) is not ready
"""

from __future__ import annotations


class FrontdeskError(Exception):
    """Base class: ``code`` is stable for scripts, ``message`` says what to do."""

    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_body(self) -> dict[str, dict[str, str]]:
        error = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class ConfigurationError(FrontdeskError):
    status_code = 500
    code = "configuration_error"


class AuthenticationError(FrontdeskError):
    status_code = 401
    code = "unauthenticated"


class PermissionDeniedError(FrontdeskError):
    status_code = 403
    code = "forbidden"


class NotFoundError(FrontdeskError):
    status_code = 404
    code = "not_found"


class ConflictError(FrontdeskError):
    status_code = 409
    code = "conflict"


class PayloadTooLargeError(FrontdeskError):
    status_code = 413
    code = "payload_too_large"


class InvalidInputError(FrontdeskError):
    status_code = 422
    code = "invalid_input"


class RateLimitedError(FrontdeskError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ServiceUnavailableError(FrontdeskError):
    status_code = 503
    code = "unavailable"

    def __init__(
        self, message: str, *, field: str | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.retry_after_s = retry_after_s
