"""Matching rounds: load ids, call the engine, save the proposals."""

from __future__ import annotations

from celery import shared_task

from config.celery import MATCHING_QUEUE


@shared_task(name="matching.run_round", queue=MATCHING_QUEUE, autoretry_for=(ConnectionError,), max_retries=3)
def run_round(round_id: int) -> None:
    """Run one matching round (filled in by the matching-round work)."""
    raise NotImplementedError
