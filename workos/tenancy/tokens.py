"""Access-token secrets: how they are made and hashed."""

import hashlib
import secrets

from workos.tenancy.models import AccessToken


def token_generate() -> str:
    return AccessToken.PREFIX + secrets.token_urlsafe(32)


def token_digest(secret: str) -> str:
    # Secrets carry 256 random bits, so a fast hash is as safe here as a slow one.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_display_prefix(secret: str) -> str:
    return secret[: len(AccessToken.PREFIX) + 6]
