"""Tsunagu's own kit: what every service uses to record, publish and consume domain events.

It knows nothing of any department. Modules:

- :mod:`shared.events`      — ``DomainEvent`` base class and the ``EventRegistry`` (upcasting)
- :mod:`shared.envelope`    — CloudEvents envelope, ``Actor``, Kafka binary-mode binding
- :mod:`shared.eventstore`  — append-only, hash-chained, gap-free event store (SQLite / PostgreSQL)
- :mod:`shared.uow`         — the unit of work (the one transaction owner) and ``Fold``
- :mod:`shared.relay`       — outbox relay: store → Kafka, in order, at least once; parks what Kafka refuses
- :mod:`shared.parked`      — the parked events, the operator's side: list, show, release
- :mod:`shared.lease`       — one relay per store across replicas: a PostgreSQL advisory-lock lease
- :mod:`shared.wake`        — a worker process's relay woken by a web process's commits (NOTIFY, data_version)
- :mod:`shared.consumer`    — consumer runner: dedupe, savepoints, dead letters, offsets after commit
- :mod:`shared.deadletters` — the dead letters, the operator's side: list, show, replay after a fix
- :mod:`shared.contracts`   — the published event contracts (``schemas/events``) as data, and validation
- :mod:`shared.columns`     — column specs, one line a column, for read tables and their Alembic revisions;
                              ``row_of`` (a read row from an event's or a state's fields)
- :mod:`shared.commands`    — ``Aggregate``, ``execute``: the one command pipeline; ``Outcome.reply``
- :mod:`shared.app`         — ``build_service`` / ``service_builder``: a service's app and kit assembled
- :mod:`shared.service`     — ``build_kit``: a service's engine, store, relay and consumers
- :mod:`shared.web`         — FastAPI app factory, error mapping, health/ready/metrics
- :mod:`shared.auth`        — bearer JWTs, ``CurrentActor``, ``require`` (department/role)
- :mod:`shared.oidc`        — the identity provider's RS256 access tokens verified against its JWKS
- :mod:`shared.settings`    — ``ServiceSettings`` (the only reader of the environment)
- :mod:`shared.reference`   — versioned code lists (fund types, issues, responses, ...)
- :mod:`shared.referrals`   — the referral lifecycle and automatic referral rules (as data)
- :mod:`shared.db`          — engines (SQLite writer lock, PostgreSQL pool), migrations, ``reading``,
                              ``pipelined`` (a consumer batch's INSERTs sent without waiting)
- :mod:`shared.bulk`        — many rows into one table in one driver-level statement
- :mod:`shared.snapshots`   — aggregate snapshots: command latency that does not grow with a stream
- :mod:`shared.domain`      — the command base; :mod:`shared.checks` — small value checks of decisions
- :mod:`shared.registry`    — the person and household registry (本人・世帯の登録), every desk's case identity
- :mod:`shared.consent`     — disclosure policy (情報共有の根拠); :mod:`shared.access` — who reads what (閲覧権限)
- :mod:`shared.areas`       — which areas (圏域) an address falls in; :mod:`shared.dates` — Japan's calendar day
- :mod:`shared.bodies`      — request bodies at the edge; :mod:`shared.views` — documented read shapes;
                              :mod:`shared.pages` — a page of a read table; :mod:`shared.text` — text lengths
- :mod:`shared.refusals`    — refusals in one shape: body, status, handlers; :mod:`shared.guards` — ASGI layers
- :mod:`shared.schemas`     — the event contracts' JSON Schemas exported and checked
- :mod:`shared.testing`     — a unit of work in memory, for fast handler tests
- :mod:`shared.errors`, :mod:`shared.clock`, :mod:`shared.kafka`, :mod:`shared.logging`, :mod:`shared.metrics`
"""

__all__: list[str] = []
