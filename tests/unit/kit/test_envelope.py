from datetime import UTC, datetime

import pytest

from shared.envelope import Actor, Envelope, EnvelopeError, from_kafka, to_kafka

ENV = Envelope(
    id="e-1",
    source="intake",
    type="intake.ConsultationOpened",
    time=datetime(2026, 10, 1, 9, 30, tzinfo=UTC),
    subject="consultation-1",
    caseid="person-1",
    actor=Actor(staff_id="s-001", department="intake", role="worker"),
    streamversion=1,
    data={"summary": "引っ越し費用の相談", "issues": ["employment", "housing"]},
    correlationid="c-1",
    causationid="e-0",
    eventhash="a" * 64,
    prevhash="0" * 64,
)


def test_envelope_travels_in_cloudevents_binary_mode_and_back_unchanged():
    key, headers, value = to_kafka(ENV)
    names = dict(headers)
    assert key == b"person-1"
    assert names["ce_specversion"] == b"1.0"
    assert names["ce_type"] == b"intake.ConsultationOpened"
    assert names["ce_actordept"] == b"intake"
    assert names["content-type"] == b"application/json"
    assert value.decode() == '{"summary":"引っ越し費用の相談","issues":["employment","housing"]}'
    assert from_kafka(key, headers, value) == ENV


def test_record_without_cloudevents_headers_is_rejected_with_the_missing_names():
    with pytest.raises(EnvelopeError, match="ce_id"):
        from_kafka(b"k", [("ce_type", b"x")], b"{}")


def test_record_whose_value_is_not_a_json_object_is_rejected():
    key, headers, _ = to_kafka(ENV)
    with pytest.raises(EnvelopeError, match="not JSON"):
        from_kafka(key, headers, b"\xff not json")
    with pytest.raises(EnvelopeError, match="JSON object"):
        from_kafka(key, headers, b"[1, 2]")


def test_wrong_specversion_is_rejected():
    key, headers, value = to_kafka(ENV)
    headers = [(k, b"0.3" if k == "ce_specversion" else v) for k, v in headers]
    with pytest.raises(EnvelopeError, match="specversion"):
        from_kafka(key, headers, value)


def test_a_time_without_its_offset_never_makes_an_envelope_nor_parses_from_a_record():
    with pytest.raises(ValueError, match="timezone"):
        ENV.model_validate({**ENV.model_dump(), "time": datetime(2026, 10, 1, 9, 30)})
    key, headers, value = to_kafka(ENV)
    naive = [(k, b"2026-10-01T09:30:00" if k == "ce_time" else v) for k, v in headers]
    with pytest.raises(EnvelopeError, match="timezone"):
        from_kafka(key, naive, value)


def test_bad_numbers_and_an_over_long_actor_name_in_a_record_are_refused_with_the_attribute():
    key, headers, value = to_kafka(ENV)
    bad_version = [(k, b"two" if k == "ce_streamversion" else v) for k, v in headers]
    with pytest.raises(EnvelopeError, match="invalid CloudEvents attribute"):
        from_kafka(key, bad_version, value)
    long_name = [*headers, ("ce_actorname", ("名" * 201).encode())]
    with pytest.raises(EnvelopeError, match="invalid CloudEvents attribute"):
        from_kafka(key, long_name, value)


def test_a_decoded_record_is_a_full_envelope_that_round_trips():
    decoded = from_kafka(*to_kafka(ENV))
    assert decoded.model_dump() == ENV.model_dump()
    assert Envelope.model_validate(decoded.model_dump()) == decoded
    assert to_kafka(decoded) == to_kafka(ENV)


def test_the_relays_record_of_a_stored_row_has_the_envelopes_headers_in_their_order():
    from shared.envelope import kafka_record_from_store

    named = ENV.model_copy(
        update={"actor": Actor(staff_id="s-1", department="intake", role="worker", name="相談 太郎")}
    )
    for env in (ENV, named, ENV.model_copy(update={"position": 42, "correlationid": None, "prevhash": None})):
        row = {
            "event_id": env.id,
            "event_type": env.type,
            "occurred_at": env.time.isoformat(),
            "stream_id": env.subject,
            "case_id": env.caseid,
            "actor_id": env.actor.staff_id,
            "actor_department": env.actor.department,
            "actor_role": env.actor.role,
            "actor_name": env.actor.name,
            "stream_version": env.streamversion,
            "schema_version": env.schemaversion,
            "correlation_id": env.correlationid,
            "causation_id": env.causationid,
            "position": env.position,
            "hash": env.eventhash,
            "prev_hash": env.prevhash,
            "data": '{"summary":"引っ越し費用の相談","issues":["employment","housing"]}',
        }
        assert kafka_record_from_store("intake", row) == to_kafka(env)


def test_headers_that_are_not_utf8_are_refused_only_when_they_are_cloudevents_attributes():
    key, headers, value = to_kafka(ENV)
    assert from_kafka(key, [*headers, ("dlq_note", b"\xff")], value) == ENV  # not ours: ignored
    assert from_kafka(key, [*headers, ("ce_id", b"e-2")], value).id == "e-2"  # repeated: the last one
    with pytest.raises(EnvelopeError, match="header ce_subject is not UTF-8"):
        from_kafka(key, [*headers, ("ce_subject", b"\xff\xfe")], value)
    with pytest.raises(EnvelopeError, match="not JSON"):
        from_kafka(key, headers, b'{"a": NaN}')
