from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from kafka import KafkaProducer
from sqlalchemy import func, select

from services.reporting.bootstrap import build
from services.reporting.config import Settings
from services.reporting.consumers import project_events
from shared.consumer import ConsumerRunner, processed_table
from shared.envelope import Envelope
from shared.kafka import send_envelope
from shared.service import ConsumerSpec, ServiceKit


@dataclass
class Reporting:
    kit: ServiceKit
    runner: ConsumerRunner
    topics: dict[str, str]  # department -> topic
    bootstrap_servers: str

    @property
    def producer(self) -> KafkaProducer:
        assert self.kit.producer is not None
        return self.kit.producer

    published: int = 0

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        for env in envelopes:
            send_envelope(self.producer, self.topics[env.source], env)
        self.producer.flush()
        self.published += len(envelopes)

    def consume(self) -> int:
        """Run the consumer until it has seen every record published so far (group joins take a moment)."""
        deadline = time.monotonic() + 60
        seen = 0
        while time.monotonic() < deadline:
            seen += self.runner.run_until_idle(idle_polls=2, timeout=10)
            if self.runner.consumer.assignment() and self.runner.lag() == 0 and self._consumed() >= self.published:
                return seen
        raise AssertionError(f"consumer did not catch up: {self._consumed()} of {self.published} records")

    def _consumed(self) -> int:
        with self.kit.engine.connect() as conn:
            n = conn.execute(
                select(func.count()).select_from(processed_table).where(processed_table.c.consumer == self.runner.name)
            ).scalar_one()
        return int(n) + self.duplicates

    duplicates: int = 0
    app: Any = None  # the service's FastAPI app, for tests that read over HTTP


@pytest.fixture
def reporting(kafka: Any, db_url: str, new_topic: Callable[..., str]) -> Iterator[Reporting]:
    topics = {dept: new_topic(dept) for dept in ("intake", "loans", "districts")}
    settings = Settings(
        database_url=db_url,
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        topics=list(topics.values()),
        log_json=False,
    )
    app, kit = build(settings)
    for runner in kit.consumers:  # the production group; each test gets its own
        runner.consumer.close(autocommit=False)
    kit.consumers.clear()
    runner = kit.add_consumer(
        # The production handler: a whole polled batch at once (one event at a time on a failure).
        ConsumerSpec(f"reporting-test-{uuid.uuid4().hex[:8]}", list(topics.values()), batch_handler=project_events)
    )
    try:
        yield Reporting(kit, runner, topics, kafka.bootstrap_servers, app=app)
    finally:
        runner.consumer.close(autocommit=False)
        kit.close()
