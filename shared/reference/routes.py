"""``GET /code-lists``: the code lists (コード表) a service validates against, for forms to offer.

Every service that does not serve its own (loans serves the version its settings name) gets this
one from :func:`shared.app.build_service`, so a screen of any desk builds its choices from the same
codes and labels the service checks, never from a copy in the client. The referral lists
(departments, external agencies, ``referral_reasons``, ``referral_outcomes``) come with them;
``referral_reasons`` lists every reason category a referral accepts, the household issue categories
included (:func:`shared.referrals.codes.reason_codes`), so no reason is shown as a raw code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter

from shared.reference import CodeLists, load_code_lists
from shared.referrals.codes import reason_codes, referral_code_lists
from shared.web import edge

__all__ = ["code_lists_body", "code_lists_router"]


def code_lists_body(codes: CodeLists, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The lists named (all of them, with the referral lists, by default) as
    ``{"version", "lists": {name: [{"code", "label", "group", "flags"}, ...]}}``."""
    sources = [(codes, list(names))] if names is not None else [(codes, list(codes.lists))]
    if names is None:
        referral = referral_code_lists()
        sources.append((referral, list(referral.lists)))
    lists = {n: list(source.codes(n)) for source, list_names in sources for n in list_names}
    if "referral_reasons" in lists:
        lists["referral_reasons"] = list(reason_codes(codes))
    return {
        "version": codes.version,
        "lists": {
            n: [{"code": x.code, "label": x.label, "group": x.group, "flags": sorted(x.flags)} for x in entries]
            for n, entries in lists.items()
        },
    }


def code_lists_router(version: str | None = None) -> APIRouter:
    """The route, for a service whose code lists are the newest version (or ``version``)."""
    router = APIRouter(tags=["reference コード表"])

    @router.get(
        "/code-lists",
        summary="コード表 / the code lists the service validates against (with the referral lists)",
        dependencies=[edge()],
    )
    def code_lists() -> dict[str, Any]:
        return code_lists_body(load_code_lists(version))

    return router
