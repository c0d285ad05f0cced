"""Prometheus metrics every service exposes at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "CONSUMER_DEAD_LETTERS",
    "CONSUMER_LAG",
    "CONSUMER_PROCESSED",
    "HTTP_LATENCY",
    "RELAY_BACKLOG",
    "RELAY_PUBLISHED",
]

RELAY_BACKLOG = Gauge("tsunagu_relay_backlog", "Stored events not yet published to Kafka", ["topic"])
RELAY_PUBLISHED = Counter("tsunagu_relay_published_total", "Events published by the outbox relay", ["topic"])
CONSUMER_LAG = Gauge("tsunagu_consumer_lag", "Records behind the end of the topics", ["consumer"])
CONSUMER_PROCESSED = Counter(
    "tsunagu_consumer_processed_total", "Events handled (or skipped as duplicates)", ["consumer", "outcome"]
)
CONSUMER_DEAD_LETTERS = Counter(
    "tsunagu_consumer_dead_letters_total", "Events sent to the dead-letter topic", ["consumer"]
)
HTTP_LATENCY = Histogram("tsunagu_http_request_seconds", "HTTP request latency", ["method", "route", "status"])
