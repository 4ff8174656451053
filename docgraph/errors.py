"""The one error hierarchy of docgraph.

Resolvers raise these; each door renders them in its own format: the REST
gateway as Nuxeo exception JSON with ``status``, GraphQL as an error whose
``extensions.code`` is ``code``.

===========================  ======  =====================  ==================================
class                        status  code                   meaning
===========================  ======  =====================  ==================================
BadRequest                   400     bad_request            malformed input
InvalidProperty              400     invalid_property       unknown property or bad value
UnknownType                  400     unknown_type           document type not registered
UnknownSchema                400     unknown_schema         schema not registered
DocumentValidation           400     validation_failed      values break the schemas' rules
ConverterUnavailable         400     converter_unavailable  no converter, or its tool is missing
Unauthorized                 401     unauthorized           missing or wrong credentials
Forbidden                    403     forbidden              permission not granted
NotFound                     404     not_found              no such resource or route
DocumentNotFound             404     document_not_found     no such document
OperationNotFound            404     operation_not_found    unknown automation operation
MethodNotAllowed             405     method_not_allowed     verb not supported on a resource
RequestTimeout               408     request_timeout        the body arrived too slowly
Conflict                     409     conflict               state conflict
ConcurrentUpdate             409     concurrent_update      stale change token
TransientConflict            409     transient_conflict     deadlock or serialization failure
PayloadTooLarge              413     too_large              an upload over its size limit
UnsupportedMediaType         415     unsupported_media      body is not JSON
TooManyRequests              429     too_many_requests      throttled (``Retry-After``)
ServiceUnavailable           503     unavailable            saturated, retry (``Retry-After``)
DocGraphError                500     internal               unexpected failure (never a client's)
===========================  ======  =====================  ==================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self


class DocGraphError(Exception):
    status = 500
    code = "internal"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def headers(self) -> dict[str, str]:
        """HTTP headers that go with the error (``Allow``, ``Retry-After``)."""
        return {}

    def details(self) -> dict[str, Any]:
        """What a client may act on beyond the message (GraphQL extensions)."""
        return {}

    def with_message(self, message: str) -> Self:
        """The same error (its status, headers and details) told otherwise."""
        # Built without __init__, whose arguments differ between classes.
        clone = type(self).__new__(type(self), message)
        clone.__dict__.update(self.__dict__)
        clone.message = message
        return clone


class BadRequest(DocGraphError):
    status = 400
    code = "bad_request"


class InvalidProperty(BadRequest):
    code = "invalid_property"


class UnknownType(BadRequest):
    code = "unknown_type"


class UnknownSchema(BadRequest):
    code = "unknown_schema"


@dataclass(frozen=True, slots=True)
class Violation:
    """One value breaking a rule: the property (and list index) it sits at,
    the constraint's name and parameters (Nuxeo's validation report)."""

    key: str
    value: Any
    constraint: str
    parameters: Mapping[str, str]
    message: str
    index: int | None = None


class DocumentValidation(BadRequest):
    """Nuxeo's DocumentValidationException: the REST door writes its
    violations as a ``validation_report``."""

    code = "validation_failed"

    def __init__(self, violations: Sequence[Violation]) -> None:
        first = violations[0]
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        super().__init__(f"{first.key}: {first.message}{more}")
        self.violations = tuple(violations)

    def details(self) -> dict[str, Any]:
        return {
            "violations": [
                {"property": v.key, "index": v.index, "value": v.value,
                 "constraint": v.constraint, "message": v.message}
                for v in self.violations
            ]
        }  # fmt: skip


class ConverterUnavailable(BadRequest):
    """The message ends with "is not available" or says "is not registered":
    clients match these phrases."""

    code = "converter_unavailable"


class Unauthorized(DocGraphError):
    status = 401
    code = "unauthorized"


class Forbidden(DocGraphError):
    status = 403
    code = "forbidden"


class NotFound(DocGraphError):
    status = 404
    code = "not_found"


class DocumentNotFound(NotFound):
    code = "document_not_found"


class OperationNotFound(NotFound):
    code = "operation_not_found"


class MethodNotAllowed(DocGraphError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, message: str = "", allow: Iterable[str] = ()) -> None:
        super().__init__(message)
        # The methods the resource does answer (the ``Allow`` header).
        self.allow = tuple(sorted(allow))

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allow)}


class RequestTimeout(DocGraphError):
    status = 408
    code = "request_timeout"


class Conflict(DocGraphError):
    status = 409
    code = "conflict"


class ConcurrentUpdate(Conflict):
    code = "concurrent_update"


class TransientConflict(Conflict):
    """A deadlock or serialization failure: the same request may succeed if retried."""

    code = "transient_conflict"


class PayloadTooLarge(DocGraphError):
    status = 413
    code = "too_large"


class UnsupportedMediaType(DocGraphError):
    status = 415
    code = "unsupported_media"


class _RetryLater(DocGraphError):
    def __init__(self, message: str = "", retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class TooManyRequests(_RetryLater):
    status = 429
    code = "too_many_requests"


class ServiceUnavailable(_RetryLater):
    status = 503
    code = "unavailable"
