"""JWT bearer tokens (``Authorization: Bearer <jwt>``), verified with joserfc.

Configured by a shared secret (HS256/384/512) or a public key in PEM (RSA,
EC or Ed25519 signatures); the user is the ``sub`` claim and must exist.
``exp`` is required; ``nbf`` and, when configured, the audience and issuer
are checked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey

from docgraph.errors import Unauthorized
from docgraph.settings import Settings

_HMAC = ["HS256", "HS384", "HS512"]
_PUBLIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
# A bearer token longer than this is refused before any parsing (HTTP headers
# themselves stop at 8 kB in aiohttp).
MAX_TOKEN_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class BearerClaims:
    username: str
    expires: float  # epoch seconds


def _public_key(pem: str) -> Any:
    for kind in (RSAKey, ECKey, OKPKey):
        try:
            return kind.import_key(pem)
        except (JoseError, ValueError, TypeError):
            continue
    raise ValueError("DOCGRAPH_JWT_PUBLIC_KEY is not an RSA, EC or Ed25519 public key")


class BearerVerifier:
    def __init__(self, settings: Settings) -> None:
        # One family of algorithms, chosen by the kind of key: a token "signed"
        # with HS256 using the public key's text as the secret is refused.
        self._key: Any = None
        self._algorithms = _HMAC
        if settings.jwt_public_key:
            self._key = _public_key(settings.jwt_public_key)
            self._algorithms = _PUBLIC
        elif settings.jwt_secret:
            self._key = OctKey.import_key(settings.jwt_secret)
        options: dict[str, Any] = {"exp": {"essential": True}, "sub": {"essential": True}}
        if settings.jwt_audience:
            options["aud"] = {"essential": True, "value": settings.jwt_audience}
        if settings.jwt_issuer:
            options["iss"] = {"essential": True, "value": settings.jwt_issuer}
        self._claims = jwt.JWTClaimsRegistry(**options)

    @property
    def enabled(self) -> bool:
        """False unless a secret or a public key is configured."""
        return self._key is not None

    def verify(self, token: str) -> BearerClaims:
        if not self.enabled:
            raise Unauthorized("Bearer tokens are not enabled")
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthorized("Invalid bearer token: too long")
        try:
            claims = jwt.decode(token, self._key, algorithms=self._algorithms).claims
            self._claims.validate(claims)
        except (JoseError, ValueError, TypeError) as exc:
            raise Unauthorized(f"Invalid bearer token: {type(exc).__name__}") from None
        subject, expires = claims.get("sub"), claims.get("exp")
        if not isinstance(subject, str) or not subject:
            raise Unauthorized("Invalid bearer token: no subject")
        if not isinstance(expires, int | float) or expires <= time.time():
            raise Unauthorized("Invalid bearer token: expired")
        return BearerClaims(subject, float(expires))
