"""Prometheus metrics every service exposes at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "CONSUMER_DEAD_LETTERS",
    "CONSUMER_LAG",
    "CONSUMER_LAST_POLL",
    "CONSUMER_PROCESSED",
    "HTTP_LATENCY",
    "RELAY_BACKLOG",
    "RELAY_LAST_CYCLE",
    "RELAY_LEADER",
    "RELAY_PARKED",
    "RELAY_PARKED_TOTAL",
    "RELAY_PUBLISHED",
]

RELAY_BACKLOG = Gauge(
    "tsunagu_relay_backlog", "Stored events not yet published: store head position minus relay checkpoint", ["topic"]
)
RELAY_PARKED = Gauge(
    "tsunagu_relay_parked_events", "Events the relay could not publish, set aside and not yet released", ["topic"]
)
RELAY_PARKED_TOTAL = Counter("tsunagu_relay_parked", "Events the relay has parked, ever", ["topic"])
RELAY_PUBLISHED = Counter("tsunagu_relay_published_total", "Events published by the outbox relay", ["topic"])
RELAY_LAST_CYCLE = Gauge(
    "tsunagu_relay_last_cycle_timestamp_seconds",
    "When the relay's loop last went round (published, found nothing, or backed off): a stalled relay stops it",
    ["topic"],
)
RELAY_LEADER = Gauge(
    "tsunagu_relay_leader",
    "1 while this replica's relay holds its store's lease and publishes, 0 while it stands by",
    ["topic"],
)
CONSUMER_LAST_POLL = Gauge(
    "tsunagu_consumer_last_poll_timestamp_seconds",
    "When the consumer's loop last went round (polled, handled, or backed off): a hung handler stops it",
    ["consumer"],
)
CONSUMER_LAG = Gauge("tsunagu_consumer_lag", "Records behind the end of the topics", ["consumer"])
CONSUMER_PROCESSED = Counter(
    "tsunagu_consumer_processed_total", "Events handled (or skipped as duplicates)", ["consumer", "outcome"]
)
CONSUMER_DEAD_LETTERS = Counter(
    "tsunagu_consumer_dead_letters_total", "Events sent to the dead-letter topic", ["consumer"]
)
HTTP_LATENCY = Histogram("tsunagu_http_request_seconds", "HTTP request latency", ["method", "route", "status"])
