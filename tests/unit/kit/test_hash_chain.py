import json

from shared.eventstore import GENESIS_HASH, event_hash, verify_chain


def _chain(n: int) -> list[dict]:
    rows, prev = [], GENESIS_HASH
    for v in range(1, n + 1):
        row = {
            "event_id": f"e{v}",
            "stream_id": "s",
            "stream_version": v,
            "event_type": "t",
            "case_id": "c",
            "occurred_at": "2026-10-01T00:00:00+00:00",
            "actor_id": "a",
            "actor_department": "intake",
            "actor_role": "worker",
            "correlation_id": None,
            "causation_id": None,
            "schema_version": 1,
            "data": json.dumps({"n": v}),
            "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(prev, row)
        rows.append(row)
    return rows


def test_an_intact_chain_verifies():
    report = verify_chain("s", _chain(4))
    assert report.ok and report.events_checked == 4


def test_an_altered_event_is_detected():
    rows = _chain(4)
    rows[1]["data"] = json.dumps({"n": 99})
    report = verify_chain("s", rows)
    assert not report.ok
    assert any("version 2" in p and "altered" in p for p in report.problems)


def test_a_removed_event_is_detected():
    rows = _chain(4)
    del rows[2]
    report = verify_chain("s", rows)
    assert any("version 3 is missing" in p for p in report.problems)


def test_a_changed_actor_is_detected():
    rows = _chain(2)
    rows[0]["actor_id"] = "someone-else"
    assert not verify_chain("s", rows).ok


def test_envelopes_from_the_store_verify_after_a_trip_through_kafka(tmp_path):
    from shared.db import make_engine, migrate
    from shared.envelope import from_kafka, to_kafka
    from shared.eventstore import EventStore, verify_envelopes
    from tests.support import new_event

    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    migrate(engine)
    store = EventStore("intake")
    with engine.begin() as conn:
        sent = store.append(conn, "s", 0, [new_event("e1"), new_event("e2", text="二番目")])
    received = [from_kafka(*to_kafka(e)) for e in sent]
    assert verify_envelopes("s", received).ok
    forged = received[1].model_copy(update={"data": {"text": "forged", "n": 0}})
    assert not verify_envelopes("s", [received[0], forged]).ok
    assert not verify_envelopes("s", [received[1]]).ok  # the first event is missing


def test_the_relays_record_from_a_stored_row_equals_the_envelope_binding(tmp_path):
    import json as _json

    from shared.db import make_engine, migrate
    from shared.envelope import from_kafka, kafka_record_from_store, to_kafka
    from shared.eventstore import EventStore
    from tests.support import new_event

    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    migrate(engine)
    store = EventStore("intake")
    with engine.begin() as conn:
        [env] = store.append(conn, "s", 0, [new_event("e1", text="相談")])
        [row] = store.read_rows(conn)
    key, headers, value = kafka_record_from_store("intake", row)
    ekey, eheaders, evalue = to_kafka(env)
    assert (key, sorted(headers)) == (ekey, sorted(eheaders))
    assert _json.loads(value) == _json.loads(evalue)
    assert from_kafka(key, headers, value) == env


def test_the_actors_display_name_travels_with_the_event_and_is_bound_by_its_hash(tmp_path):
    from dataclasses import replace

    from shared.db import make_engine, migrate
    from shared.envelope import Actor, from_kafka, kafka_record_from_store, to_kafka
    from shared.eventstore import EventStore, verify_envelopes
    from tests.support import new_event

    named = Actor(staff_id="8d1c-uuid", department="intake", role="worker", name="相談 太郎")
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    migrate(engine)
    store = EventStore("intake")
    with engine.begin() as conn:
        sent = store.append(conn, "s", 0, [replace(new_event("e1"), actor=named)])
        [row] = store.read_rows(conn)
    assert row["actor_name"] == "相談 太郎"
    received = from_kafka(*kafka_record_from_store("intake", row))
    assert received.actor == named and received == from_kafka(*to_kafka(sent[0]))
    assert verify_envelopes("s", [received]).ok
    renamed = received.model_copy(update={"actor": named.model_copy(update={"name": "別人 花子"})})
    assert not verify_envelopes("s", [renamed]).ok  # a changed name is an altered event
    unnamed = received.model_copy(update={"actor": named.model_copy(update={"name": None})})
    assert not verify_envelopes("s", [unnamed]).ok
