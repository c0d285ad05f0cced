"""Lengths of text the platform accepts, documented in every service's OpenAPI (``maxLength``).

One vocabulary for every request body and the value objects inside them, so that no field takes
unbounded text (a 20 MB name once was accepted) and a client reads each limit from the schema:

- :data:`Code` — a code-list code or a department (``interview``, ``loans``): 1–64 characters;
- :data:`Ref` — an id of a person, household, consultation, referral, ...: 1–128 characters;
- :data:`Line` — a short free text (a reason, a destination, a name): up to 500 characters;
- :data:`Text` — a narrative (本人の言葉, 相談記録, アセスメント): up to 8,000 characters.

Pure: no web framework; pydantic models anywhere in the platform may use these types.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import StringConstraints

__all__ = ["CODE_MAX", "LINE_MAX", "REF_MAX", "TEXT_MAX", "Code", "Line", "Ref", "Text"]

CODE_MAX: Final = 64
REF_MAX: Final = 128
LINE_MAX: Final = 500
TEXT_MAX: Final = 8_000

Code = Annotated[str, StringConstraints(min_length=1, max_length=CODE_MAX)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=REF_MAX)]
Line = Annotated[str, StringConstraints(max_length=LINE_MAX)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX)]
