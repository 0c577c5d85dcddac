"""Celery settings: queue names and the one dict Celery reads."""

from __future__ import annotations

from kombu import Queue

MATCHING_QUEUE = "matching"
QUEUES = (MATCHING_QUEUE,)


def celery_settings(broker_url: str) -> dict[str, object]:
    """Celery's settings for a broker URL."""
    settings: dict[str, object] = {
        "broker_url": broker_url,
        # The database holds every round's status and progress; Celery keeps no results.
        "task_ignore_result": True,
        "task_queues": [Queue(name) for name in QUEUES],
        "task_default_queue": MATCHING_QUEUE,
        "task_routes": {"matching.*": {"queue": MATCHING_QUEUE}},
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
    }
    # No broker_transport_options for the embedded broker: kombu's SQLAlchemy transport hands every one of
    # them to create_engine(), which rejects "polling_interval", so the worker died at start-up and every
    # enqueue failed. It polls its table once a second by default, quick enough for a matching round.
    return settings
