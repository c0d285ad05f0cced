"""The documented shapes of what the services' reads answer (the web client's types are generated from them).

A service's ``responses.py`` declares its views on :class:`View`; a list's page adds its ``items`` to
:class:`PageView`. The models document and check the shape the queries build; a field they do not
name still passes through (``extra="allow"``), so a view never silently drops data.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["PageView", "View"]


class View(BaseModel):
    """A read's answer: the named fields are checked, any others pass through unchanged."""

    model_config = ConfigDict(extra="allow")


class PageView(View):
    """One page of a list paged on the server; the subclass declares ``items``."""

    total: int
    limit: int
    offset: int
