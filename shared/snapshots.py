"""Aggregate snapshots: command latency that does not grow with a stream's length.

A command loads its aggregate by folding the stream's events (:meth:`shared.uow.UnitOfWork.load`).
On a long stream (a consultation with 1,800 contacts) reading, decoding, validating and folding
every event costs more than the rest of the command. A *snapshot* keeps the folded state of a
stream at one version in the kit table ``snapshots``; a load reads the newest usable snapshot and
folds only the events after its version. ``snapshot + tail == full fold`` because events are
immutable and the fold is pure.

When a snapshot is written
    The unit of work's ``record`` stores one, in the same transaction as the append, when the
    events since the snapshot its ``load`` started from (plus the ones appended) reach ``every``
    (``snapshot_every``, default :data:`DEFAULT_EVERY`): it commits with the events or not at all.
    Loads only read. (The append already serialises writers of a stream, so the snapshot's
    delete-and-insert does not add waiting; a lost race is ignored.)

Which snapshot is usable: the fold key
    ``fold_key`` names the state class and hashes its *shape* (every dataclass field's name and
    type, recursively, plus :data:`CODEC_VERSION`). Renaming, adding or retyping a field of the
    state changes the key, so old snapshots are simply not found and the stream is folded in full
    (a new snapshot follows). A change of ``apply``'s *behaviour* without a change of the state's
    shape is not detected: bump the state class's ``SNAPSHOT_VERSION`` attribute (an ``int``,
    default 0) — it is part of the key.

Serialisation: JSON with a typed decoder, never pickle
    The state is encoded as JSON and decoded by walking the state class's type hints (dataclasses,
    ``str``/``int``/``float``/``bool``/``None``, enums, ``date``/``datetime``, ``tuple``,
    ``frozenset``, ``list``, ``dict``/``Mapping``, unions, literals; pydantic models through their
    own validation). A row in the database can therefore only ever build instances of the classes
    the code names — unlike pickle, where a tampered row runs arbitrary
    code. A state whose types the codec does not know (or a fold whose initial state is not a
    dataclass) is never snapshotted; and before a snapshot is stored it must decode back to an
    equal state, so a lossy encoding falls back to full folds instead of wrong states.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import types
import typing
from collections import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Column, Connection, Integer, String, Table, Text, bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from shared.events import DomainEvent
from shared.eventstore import EventStore, metadata

if TYPE_CHECKING:
    from shared.uow import Fold

__all__ = [
    "CODEC_VERSION",
    "DEFAULT_EVERY",
    "Loaded",
    "after_append",
    "check_round_trip",
    "decode",
    "encode",
    "fold_key",
    "load",
    "snapshots_table",
]

S = TypeVar("S")

CODEC_VERSION = 1
DEFAULT_EVERY = 100
"""Snapshot once the events folded after the last snapshot reach this many."""

snapshots_table = Table(
    "snapshots",
    metadata,
    Column("stream_id", String(128), primary_key=True),
    Column("fold_key", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("state", Text, nullable=False),
)
# Built once: a constant statement's cache key is memoised (no re-keying on every load).
_NEWEST = select(snapshots_table.c.version, snapshots_table.c.state).where(
    snapshots_table.c.stream_id == bindparam("stream_id"), snapshots_table.c.fold_key == bindparam("fold_key")
)


class Unsupported(TypeError):
    """The state holds a type the codec does not know: it is never snapshotted."""


_DECODE_ERRORS = (Unsupported, ValueError, TypeError, KeyError, AttributeError)


# -- the key --------------------------------------------------------------------------------
def _shape(tp: Any, seen: set[type]) -> str:
    if tp is Any or tp is None or tp is type(None) or tp is Ellipsis:
        return repr(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return repr(tp)
    if origin is not None:
        if origin is typing.Union or origin is types.UnionType:
            return "U[" + ",".join(_shape(a, seen) for a in typing.get_args(tp)) + "]"
        if origin in (tuple, frozenset, list, dict, set, abc.Mapping):
            return f"{origin.__name__}[" + ",".join(_shape(a, seen) for a in typing.get_args(tp)) + "]"
        raise Unsupported(f"{tp!r}")
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            name = f"{tp.__module__}.{tp.__qualname__}"
            if tp in seen:
                return name
            seen.add(tp)
            hints = typing.get_type_hints(tp)
            fields = ",".join(f"{f.name}:{_shape(hints[f.name], seen)}" for f in dataclasses.fields(tp))
            return f"{name}@{getattr(tp, 'SNAPSHOT_VERSION', 0)}({fields})"
        if issubclass(tp, BaseModel):
            # pydantic models (e.g. shared.consent.Consent) validate their own JSON: a typed decoder too
            fields = ",".join(f"{n}:{f.annotation!r}" for n, f in tp.model_fields.items())
            return f"{tp.__module__}.{tp.__qualname__}@{getattr(tp, 'SNAPSHOT_VERSION', 0)}({fields})"
        if issubclass(tp, enum.Enum):
            return f"{tp.__module__}.{tp.__qualname__}[" + ",".join(str(m.value) for m in tp) + "]"
        if tp in (str, int, float, bool, date, datetime):
            return tp.__name__
    raise Unsupported(f"{tp!r}")


@cache
def _key_of(cls: type) -> str | None:
    try:
        shape = _shape(cls, set())
    except (Unsupported, NameError):
        return None
    digest = hashlib.sha256(f"{CODEC_VERSION}:{shape}".encode()).hexdigest()[:32]
    return f"{cls.__qualname__}:{digest}"[:200]


def fold_key(fold: Fold[Any]) -> str | None:
    """The key snapshots of ``fold``'s state are stored under, or ``None`` if it cannot have any."""
    state = fold.initial()
    if not dataclasses.is_dataclass(state) or isinstance(state, type):
        return None
    return _key_of(type(state))


# -- the codec ------------------------------------------------------------------------------
def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` (decoded with :func:`decode` and the value's type)."""
    if value is None or (isinstance(value, (bool, int, float, str)) and not isinstance(value, enum.Enum)):
        return value
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (frozenset, set)):
        items = [encode(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, abc.Mapping):
        return [[encode(k), encode(v)] for k, v in value.items()]
    raise Unsupported(type(value).__name__)


def decode(tp: Any, raw: Any) -> Any:
    """Build a value of type ``tp`` from :func:`encode`'s output, trusting only ``tp``."""
    if tp is Any:
        return raw
    if tp is None or tp is type(None):
        if raw is not None:
            raise Unsupported("expected null")
        return None
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        if raw not in typing.get_args(tp):
            raise Unsupported(f"{raw!r} is not one of {tp!r}")
        return raw
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if raw is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return decode(arg, raw)
            except _DECODE_ERRORS:
                continue
        raise Unsupported(f"no member of {tp!r} fits")
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in raw)
        return tuple(decode(a, v) for a, v in zip(args, raw, strict=True))
    if origin in (frozenset, set, list):
        (arg,) = typing.get_args(tp)
        return origin(decode(arg, v) for v in raw)
    if origin in (dict, abc.Mapping):
        k, v = typing.get_args(tp)
        return {decode(k, a): decode(v, b) for a, b in raw}
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return tp.model_validate(raw)
        if dataclasses.is_dataclass(tp):
            hints = typing.get_type_hints(tp)
            fields = {f.name: decode(hints[f.name], raw[f.name]) for f in dataclasses.fields(tp) if f.init}
            return tp(**fields)
        if issubclass(tp, enum.Enum):
            return tp(raw)
        if tp is datetime:
            return datetime.fromisoformat(raw)
        if tp is date:
            return date.fromisoformat(raw)
        if tp is bool:
            if not isinstance(raw, bool):
                raise Unsupported("expected bool")
            return raw
        if tp in (int, str):
            if not isinstance(raw, tp) or isinstance(raw, bool):
                raise Unsupported(f"expected {tp.__name__}")
            return raw
        if tp is float:
            return float(raw)
    raise Unsupported(f"{tp!r}")


# -- load -----------------------------------------------------------------------------------
@dataclass
class Loaded:
    """What :func:`load` read: enough for :func:`after_append` to snapshot the state after an append."""

    fold: Fold[Any]
    key: str
    state: Any
    version: int
    unsnapshotted: int
    """Events folded after the snapshot the load started from (all of them if there was none)."""


def load(conn: Connection, store: EventStore, stream_id: str, fold: Fold[S]) -> tuple[S, int, Loaded | None]:
    """The aggregate's state and version: the newest snapshot of ``fold`` plus the events after it
    (``None`` as the third item if ``fold`` cannot be snapshotted). Reads only: never writes."""
    key = fold_key(fold)
    if key is None:
        envelopes = store.read_stream(conn, stream_id)
        return fold.run(envelopes), (envelopes[-1].streamversion if envelopes else 0), None
    cls = type(fold.initial())
    state: S | None = None
    base = 0
    row = conn.execute(_NEWEST, {"stream_id": stream_id, "fold_key": key}).first()
    if row is not None:
        try:
            state, base = decode(cls, json.loads(row[1])), row[0]
        except _DECODE_ERRORS:
            state, base = None, 0  # unreadable: fold in full (the next snapshot replaces it)
    tail = store.read_stream(conn, stream_id, after_version=base)
    if state is None:
        base = 0
        state = fold.initial()
    for env in tail:
        state = fold.apply(state, fold.registry.parse(env.type, env.schemaversion, env.data))
    version = tail[-1].streamversion if tail else base
    return state, version, Loaded(fold, key, state, version, len(tail))


def after_append(
    conn: Connection, stream_id: str, loaded: Loaded, events: Sequence[DomainEvent], new_version: int, every: int
) -> None:
    """Store the state at ``new_version`` when the events since the last snapshot reach ``every``;
    called on the append's own transaction, so the snapshot commits with the events or not at all."""
    if every <= 0 or loaded.unsnapshotted + len(events) < every:
        return
    state = loaded.fold.apply_all(loaded.state, events)
    _save(conn, stream_id, loaded.key, type(loaded.fold.initial()), state, new_version)


def _save(conn: Connection, stream_id: str, key: str, cls: type, state: Any, version: int) -> None:
    try:
        text = json.dumps(encode(state), ensure_ascii=False, separators=(",", ":"))
        if decode(cls, json.loads(text)) != state:
            return  # lossy for this state: never store what would not give the same state back
    except _DECODE_ERRORS:
        return
    where = (snapshots_table.c.stream_id == stream_id) & (snapshots_table.c.fold_key == key)
    try:
        with conn.begin_nested():
            conn.execute(delete(snapshots_table).where(where))
            conn.execute(
                snapshots_table.insert().values(stream_id=stream_id, fold_key=key, version=version, state=text)
            )
    except IntegrityError:
        pass  # a concurrent command stored one at the same time: either serves


def check_round_trip(fold: Fold[S], events: Sequence[DomainEvent], state: S) -> None:
    """For tests (the fake unit of work calls it on every load): a snapshot taken halfway through
    ``events`` must decode to the same state, and that snapshot plus the remaining events must fold
    to ``state``. Raises ``AssertionError`` when a fold's state does not survive its snapshot."""
    if fold_key(fold) is None:
        return
    cls = type(fold.initial())
    half = len(events) // 2
    mid = fold.apply_all(fold.initial(), events[:half])
    restored = decode(cls, json.loads(json.dumps(encode(mid), ensure_ascii=False)))
    if restored != mid:
        raise AssertionError(f"a snapshot of {cls.__qualname__} does not decode to the same state: {mid!r}")
    if fold.apply_all(restored, events[half:]) != state:
        raise AssertionError(f"snapshot + tail of {cls.__qualname__} differs from the full fold")
