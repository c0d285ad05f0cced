"""Which areas (圏域) an address falls in: the one matching rule districts and reporting share.

An area lists the address prefixes (町名・丁目) that fall in it. An address maps, per kind of area
(daily_life, district_council, community_care, ...), to the area whose prefix is the longest that
begins the address; ties go to the smaller area id. Addresses and prefixes are compared normalised:
NFKC (full-width digits and letters become ASCII) and without white space.

Pure: no I/O. Districts uses it to answer ``/address-areas`` and to keep prefixes normalised;
reporting uses it to place registered people, households and resources in areas.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["match_address", "normalise_address"]

_SPACES = re.compile(r"\s+")


def normalise_address(address: str) -> str:
    """An address as prefixes are compared: NFKC (full-width digits become ASCII), no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", address))


def match_address(address: str, areas: Iterable[Mapping[str, object]]) -> dict[str, str]:
    """The area of each kind an address falls in: per kind, the area with the longest prefix that
    begins the (normalised) address; ties go to the smaller area id. ``{kind: area_id}``.

    Each area is a mapping with ``area_id``, ``kind`` and ``address_prefixes`` (normalised)."""
    wanted = normalise_address(address)
    best: dict[str, tuple[int, str]] = {}
    if not wanted:
        return {}
    for area in areas:
        kind, area_id = str(area["kind"]), str(area["area_id"])
        for prefix in area["address_prefixes"]:  # type: ignore[attr-defined]
            if prefix and wanted.startswith(str(prefix)):
                score = (-len(str(prefix)), area_id)
                if kind not in best or score < best[kind]:
                    best[kind] = score
    return {kind: area_id for kind, (_, area_id) in best.items()}
