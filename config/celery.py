"""Celery settings: queue names, the beat schedule and the one dict Celery reads."""

from __future__ import annotations

from kombu import Queue

MATCHING_QUEUE = "matching"
NOTIFICATIONS_QUEUE = "notifications"
QUEUES = (MATCHING_QUEUE, NOTIFICATIONS_QUEUE)
EXPIRY_SLACK_SECONDS = 10.0


def celery_settings(broker_url: str, beat_schedule_file: str, every: dict[str, float]) -> dict[str, object]:
    """Celery's settings for a broker URL; beat sends each task named in `every` that often (seconds)."""
    settings: dict[str, object] = {
        "broker_url": broker_url,
        # The database holds every round's status and progress, and every email's; Celery keeps no results.
        "task_ignore_result": True,
        "task_queues": [Queue(name) for name in QUEUES],
        "task_default_queue": MATCHING_QUEUE,
        # Matching rounds take seconds to minutes; emails and the schedule's small jobs must not wait
        # behind them, so they have a queue of their own.
        "task_routes": {
            "matching.*": {"queue": MATCHING_QUEUE},
            "planner.*": {"queue": MATCHING_QUEUE},  # a term's plan takes seconds, like a round
            "notifications.*": {"queue": NOTIFICATIONS_QUEUE},
            "schedule.*": {"queue": NOTIFICATIONS_QUEUE},
            # Retention and subject access bundles: small jobs, like the schedule's.
            "privacy.*": {"queue": NOTIFICATIONS_QUEUE},
        },
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "beat_schedule_filename": beat_schedule_file,
        "beat_schedule": {
            task: {
                "task": task,
                "schedule": seconds,
                # A run nobody took in time is superseded by the next one; don't let them pile up. The
                # slack is for the embedded broker, which looks for messages once a second: with none, a
                # task sent every second (as in the fault tests) was often discarded unrun, every time.
                "options": {"expires": seconds + EXPIRY_SLACK_SECONDS},
            }
            for task, seconds in every.items()
        },
    }
    if broker_url.startswith(("redis://", "rediss://")):
        # A message taken by a worker that died comes back after this long (Redis's default is an hour).
        # A round's own heartbeat lets the repair task act sooner; a round that outlives this is delivered
        # again and the second delivery finds the round claimed and does nothing.
        settings["broker_transport_options"] = {"visibility_timeout": 300}
    # No broker_transport_options for the embedded broker: kombu's SQLAlchemy transport hands every one of
    # them to create_engine(), which rejects "polling_interval", so the worker died at start-up and every
    # enqueue failed (workers/celery_app.py sets how often it looks). It also never gives back a message
    # whose worker died: the repair tasks send such work again.
    return settings
