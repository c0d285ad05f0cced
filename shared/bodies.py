"""Request bodies at the HTTP edge: one base, one way to give examples, one ``expected_version``.

Every service's ``schemas.py`` builds its bodies on these, so that unknown fields are refused,
text is stripped and the version a client read is validated the same way everywhere::

    class DenyBody(VersionedBody):
        model_config = examples({"reason": "償還の見込みが立たない", "expected_version": 2})
        reason: str = Field(min_length=1, max_length=2000)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Body", "VersionedBody", "examples"]


def examples(*given: dict[str, Any]) -> ConfigDict:
    """The body's configuration with OpenAPI examples (unknown fields refused, text stripped)."""
    return ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": list(given)})


class Body(BaseModel):
    """A request body: unknown fields are refused (422 naming them), text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VersionedBody(Body):
    """A change to an existing resource: the version the client read (or send ``If-Match``)."""

    expected_version: int | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description="the version you read (or send If-Match); a stale one is refused with 409 (楽観的排他制御)",
    )
