"""One command pipeline for every service: an aggregate declared once, one ``execute``.

A service declares each kind of stream it owns as an :class:`Aggregate` (stream prefix, fold,
not-found error, existence and case of a stream where they are not its id field, read-table
projection) and writes each handler as one call that names the aggregate and the pure decision::

    APPLICATION = Aggregate(
        name="loan application", prefix="loan-application", fold=APPLICATION_FOLD,
        not_found=lambda aid: ApplicationNotFound(f"no application {aid}: submit it first", field="application_id"),
        case_of=lambda s, _event: s.household_id, project=projections.save_application,
        id_field="application_id",
    )

    def deny_application(deps: LoansDeps, ctx: CommandContext, cmd: DenyLoanApplication) -> Outcome[LoanState]:
        \"\"\"貸付不承認: the rule engine refers the household to intake's budget consultation.\"\"\"
        return execute(deps.kit.uow, ctx, APPLICATION, cmd.application_id,
                       lambda s, uow: decide_deny_application(s, cmd, now=uow.now()))

:func:`execute` is the only place a service commits a command: it opens the unit of work, loads
the stream, checks that it exists (or, for a new stream, that it does not), checks the caller's
expected version (optimistic concurrency, 409 when stale), lets the domain decide, projects the
events into the read tables on the same connection, records them with the stream's case id (last:
on PostgreSQL that takes the store's append lock until the commit, :mod:`shared.eventstore`) and
commits. A refusal raises before anything is recorded, so nothing is half-written.
:func:`execute_in` runs the same steps inside a unit of work that is already open (a command that
touches two streams, or a consumer's savepoint).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from shared.domain import Command
from shared.envelope import Actor
from shared.errors import AlreadyExists, InvalidCommand, NotFound, UnknownReference
from shared.events import DomainEvent
from shared.uow import Fold, UnitOfWork, UnitOfWorkFactory, check_expected_version

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "Aggregate",
    "Command",
    "CommandContext",
    "Decision",
    "Outcome",
    "Projection",
    "create",
    "execute",
    "execute_in",
    "referenced",
    "saving",
]

S = TypeVar("S")


@dataclass(frozen=True)
class CommandContext:
    """Who acts, under which correlation, on which version the caller read.

    Built at the HTTP edge (:func:`shared.web.command_context`) from the bearer token, the
    ``X-Correlation-ID`` header and ``If-Match`` / ``expected_version``; consumers build one for
    the system actor with the causing event's ids.
    """

    actor: Actor
    correlation_id: str | None = None
    causation_id: str | None = None
    expected_version: int | None = None

    def expecting(self, version: int | None) -> CommandContext:
        """This context with the body's ``expected_version`` merged with If-Match (422 if they disagree)."""
        if version is None:
            return self
        if self.expected_version is not None and self.expected_version != version:
            raise InvalidCommand(
                f"expected_version {version} and If-Match {self.expected_version} disagree: send one",
                field="expected_version",
            )
        return replace(self, expected_version=version)

    def unit_of_work(self, uows: UnitOfWorkFactory) -> UnitOfWork:
        """A unit of work for this context: its actor, correlation and causation ids on every event
        recorded (``with ctx.unit_of_work(kit.uow) as uow: ...; uow.commit()``)."""
        return uows(self.actor, correlation_id=self.correlation_id, causation_id=self.causation_id)


Projection = Callable[[UnitOfWork, S, Sequence[DomainEvent], int], None]
"""Writes a stream's read rows on the unit of work's connection: ``(uow, new_state, events, version)``."""


def saving(save: Callable[[Connection, S, Sequence[DomainEvent], int, datetime], None]) -> Projection[S]:
    """The projection that writes a stream's read rows with an adapter's
    ``save(conn, state, events, version, now)``, on the unit of work's connection at its ``now()``:
    ``Aggregate(..., project=saving(rows.save_area))``."""

    def project(uow: UnitOfWork, state: S, events: Sequence[DomainEvent], version: int) -> None:
        save(uow.conn, state, events, version, uow.now())

    project.__name__ = project.__qualname__ = save.__name__  # the adapter's name: what a fake unit of work notes
    return project


Decision = Callable[[S, UnitOfWork], Sequence[DomainEvent]]
"""A pure decision given the state and the unit of work (for ``now()``, ``new_id()`` and reads)."""


@dataclass(frozen=True)
class Aggregate(Generic[S]):
    """One kind of stream, declared once per service.

    ``not_found(id)`` is the service's own refusal when a command names a stream that has no events
    (its message says what to do). ``exists(state)`` says whether the stream has begun; by default
    the state's ``id_field`` is set. ``case_of(state, event)`` names the case an event belongs to,
    given the state after the decision (the person or household; ``None`` falls back to the
    stream's own id); by default the state's ``id_field`` (the stream is its own case). Events of
    one decision may belong to different cases (a consultation whose subject is identified moves to
    the person's case). ``load`` replaces the plain fold when a stream's state is seeded from
    elsewhere (e.g. intake's view of a person another desk registered first).
    """

    name: str
    prefix: str
    fold: Fold[S]
    not_found: Callable[[str], NotFound]
    exists: Callable[[S], bool] | None = None
    case_of: Callable[[S, DomainEvent], str | None] | None = None
    project: Projection[S] | None = None
    load: Callable[[UnitOfWork, str], tuple[S, int]] | None = None
    id_field: str = "id"
    """The command field that names the stream, for refusals about it (and the state's field the
    defaults of ``exists`` and ``case_of`` read)."""

    def stream(self, aggregate_id: str) -> str:
        return f"{self.prefix}-{aggregate_id}"

    def found(self, state: S) -> bool:
        """Whether the stream has begun: ``exists``, or by default the state's ``id_field`` is set."""
        if self.exists is not None:
            return self.exists(state)
        return getattr(state, self.id_field) is not None

    def case(self, state: S, event: DomainEvent) -> str | None:
        """The case ``event`` belongs to: ``case_of``, or by default the state's ``id_field``."""
        if self.case_of is not None:
            return self.case_of(state, event)
        case_id: str | None = getattr(state, self.id_field)
        return case_id


@dataclass(frozen=True)
class Outcome(Generic[S]):
    """What a command did: the aggregate's id, its new state and version, and the events recorded."""

    id: str
    state: S
    version: int
    events: tuple[DomainEvent, ...]

    def reply(self, *fields: str, **extra: Any) -> dict[str, Any]:
        """A handler's answer: the named fields (or properties) of the new state, the new version
        (the route's ``ETag``), then ``extra`` (ids the command made)."""
        return {**{name: getattr(self.state, name) for name in fields}, "version": self.version, **extra}


def referenced(uow: UnitOfWork, aggregate: Aggregate[S], aggregate_id: str, field: str, how: str) -> S:
    """The state of a thing a command refers to, read in the command's own unit of work.

    A reference to nothing is the caller's mistake in the body, not a missing resource at the URL:
    :class:`~shared.errors.UnknownReference` (422) naming ``field`` and ``how`` to make it exist.
    """
    if aggregate.load is not None:
        state, _version = aggregate.load(uow, aggregate_id)
    else:
        state, _version = uow.load(aggregate.stream(aggregate_id), aggregate.fold)
    if not aggregate.found(state):
        raise UnknownReference(
            f"{field}: there is no {aggregate.name} {aggregate_id!r} here; {how}",
            field=field,
            reason="unknown_reference",
            ctx={"id": aggregate_id},
        )
    return state


def execute_in(
    uow: UnitOfWork,
    ctx: CommandContext,
    aggregate: Aggregate[S],
    aggregate_id: str,
    decide: Decision[S],
    *,
    new: bool | None = False,
    drawn: bool = False,
) -> Outcome[S]:
    """Load, check, decide, project and record inside an open unit of work (the caller commits).

    ``new=False``: the stream must exist (else ``aggregate.not_found``); ``new=True``: it must not
    (else :class:`~shared.errors.AlreadyExists`); ``new=None``: either (a command that opens or adds).
    ``drawn=True``: the id was drawn for this command (:func:`create`), so no stream can be under it
    and none is read (two statements less; the store's unique stream version still guards it).
    """
    stream = aggregate.stream(aggregate_id)
    if drawn:
        state, version = aggregate.fold.initial(), 0
    elif aggregate.load is not None:
        state, version = aggregate.load(uow, aggregate_id)
    else:
        state, version = uow.load(stream, aggregate.fold)
    if new is True and version:
        raise AlreadyExists(
            f"{aggregate.name} {aggregate_id!r} already exists: use a new id",
            field=aggregate.id_field,
        )
    if new is False and not aggregate.found(state):
        raise aggregate.not_found(aggregate_id)
    check_expected_version(stream, version, ctx.expected_version)
    events = tuple(decide(state, uow))
    if events:
        state = aggregate.fold.apply_all(state, events)
        # The read rows first, the events last: on PostgreSQL recording takes the store's append
        # lock, which every other command waits for until this one commits (shared.eventstore).
        if aggregate.project is not None:
            uow.project(aggregate.project, state, events, version + len(events))
        for case_id, same_case in groupby(events, key=lambda e: aggregate.case(state, e) or aggregate_id):
            recorded = list(same_case)
            uow.record(stream, version, recorded, case_id=case_id)
            version += len(recorded)
    return Outcome(aggregate_id, state, version, events)


def execute(
    uows: UnitOfWorkFactory,
    ctx: CommandContext,
    aggregate: Aggregate[S],
    aggregate_id: str,
    decide: Decision[S],
    *,
    new: bool | None = False,
    drawn: bool = False,
) -> Outcome[S]:
    """Run one command in its own unit of work and commit: the only commit a service has."""
    with ctx.unit_of_work(uows) as uow:
        outcome = execute_in(uow, ctx, aggregate, aggregate_id, decide, new=new, drawn=drawn)
        uow.commit()
    return outcome


def create(
    uows: UnitOfWorkFactory,
    ctx: CommandContext,
    aggregate: Aggregate[S],
    decide: Callable[[S, UnitOfWork, str], Sequence[DomainEvent]],
) -> Outcome[S]:
    """Start a new stream under a freshly drawn id; ``decide(state, uow, new_id)`` gets that id."""
    new_id = uows.ids()
    return execute(uows, ctx, aggregate, new_id, lambda s, uow: decide(s, uow, new_id), new=True, drawn=True)
