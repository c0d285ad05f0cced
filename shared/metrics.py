"""Prometheus metrics every service exposes at ``/metrics``."""

from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = [
    "CLOCK_TICKS",
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
    "ThreadCpu",
    "fields_cpu_seconds",
    "stat_cpu_seconds",
    "stat_fields",
    "thread_cpu_seconds",
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


class ThreadCpu(Collector):
    """``tsunagu_thread_cpu_seconds{thread=...}``: the CPU time (user + system, from Linux's
    ``/proc/self/task``) that this process's live threads have used, summed by thread name: the event
    loop (``MainThread`` under uvicorn), the route's worker threads (``AnyIO worker thread``), the
    relay (``relay:<service>``), each consumer, kafka-python's own threads. It says which part of a
    service a busy core serves (``python -m bench commands --threads`` reads it around a run). A gauge,
    not a counter: a thread that ends takes its time with it. Nothing is reported where ``/proc`` is
    absent."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "tsunagu_thread_cpu_seconds",
            "CPU seconds used by this process's live threads, by thread name",
            labels=["thread"],
        )
        for name, seconds in sorted(thread_cpu_seconds().items()):
            family.add_metric([name], seconds)
        yield family


_NUMBERED = re.compile(r"-\d+")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
"""Ticks a second of the CPU times in Linux ``/proc`` (``/proc/<pid>/stat``, ``/proc/stat``)."""


def thread_kind(name: str) -> str:
    """A thread's name without its serial number (``Thread-12 (run)`` → ``Thread (run)``), so that the
    label set stays as small as the kinds of thread a service runs."""
    return _NUMBERED.sub("", name)


def stat_fields(stat: Path) -> list[str]:
    """The fields of a Linux ``/proc`` stat file after the command name, which may hold spaces:
    ``[1]`` the parent's pid, ``[11]``/``[12]`` user/system ticks, ``[13]``/``[14]`` those of the
    children it has waited for (fields 4 and 14–17 of ``proc(5)``). Raises ``OSError`` where there is none."""
    return stat.read_text().rsplit(")", 1)[1].split()


def fields_cpu_seconds(fields: Sequence[str], *, reaped: bool = False) -> float:
    """User + system CPU seconds from :func:`stat_fields`; ``reaped``: with the children's it has waited for."""
    return sum(int(f) for f in fields[11 : 15 if reaped else 13]) / CLOCK_TICKS


def stat_cpu_seconds(stat: Path, *, reaped: bool = False) -> float:
    """User + system CPU seconds from a Linux ``/proc`` stat file: a process's (``/proc/<pid>/stat``)
    or a thread's (``/proc/self/task/<tid>/stat``). Raises ``OSError`` where there is none."""
    return fields_cpu_seconds(stat_fields(stat), reaped=reaped)


def thread_cpu_seconds() -> dict[str, float]:
    """CPU seconds of this process's live threads, summed by :func:`thread_kind`."""
    totals: dict[str, float] = defaultdict(float)
    for thread in threading.enumerate():
        try:
            seconds = stat_cpu_seconds(Path(f"/proc/self/task/{thread.native_id}/stat"))
        except OSError:  # not Linux, or the thread ended meanwhile
            continue
        totals[thread_kind(thread.name)] += seconds
    return dict(totals)


REGISTRY.register(ThreadCpu())
