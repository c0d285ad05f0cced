"""Kafka clients configured the Tsunagu way (kafka-python).

Producers use the library's defaults of ``acks='all'`` with idempotence, and a short linger so
that the relay's batches travel as few requests. Consumers never auto-commit: the consumer
runner commits offsets only after the database transaction holding the effects has committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from kafka import KafkaConsumer, KafkaProducer
from kafka.producer.future import FutureRecordMetadata

from shared.envelope import Envelope, to_kafka

__all__ = ["make_consumer", "make_producer", "send_envelope"]

log = structlog.get_logger(__name__)


def make_producer(bootstrap_servers: str, **overrides: Any) -> KafkaProducer:
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "linger_ms": 5,
        "batch_size": 256 * 1024,
        "max_in_flight_requests_per_connection": 5,
        "retries": 2_147_483_647,
        "client_id": overrides.pop("client_id", "tsunagu"),
    }
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(bootstrap_servers: str, group_id: str, topics: Sequence[str], **overrides: Any) -> KafkaConsumer:
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 500,
        "client_id": overrides.pop("client_id", group_id),
    }
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    if topics:
        # Learn every topic's partitions before joining the group: a group leader that assigns
        # while a topic's metadata is still missing hands out nothing for it (kafka-python logs
        # "No partition metadata for topic"), and the consumer can then sit idle on a live topic.
        missing = [t for t in topics if not consumer.partitions_for_topic(t)]
        if missing:
            log.warning("consumer.topics_without_metadata", group=group_id, topics=missing)
        consumer.subscribe(list(topics))
    return consumer


def send_envelope(producer: KafkaProducer, topic: str, envelope: Envelope) -> FutureRecordMetadata:
    key, headers, value = to_kafka(envelope)
    return producer.send(topic, key=key, value=value, headers=headers)
