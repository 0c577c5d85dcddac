"""A hub's entitlement targets: its own rows, or the defaults while it has none; saving writes them all."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select

from web.dao.base import audit
from web.extensions import db
from web.models import EntitlementTarget
from web.planner.entitlements import DEFAULT_TARGETS, Target


def targets_of(hub_id: int) -> list[Target]:
    """The hub's targets in its order, or the defaults if it has set none."""
    rows = db.session.scalars(
        select(EntitlementTarget)
        .where(EntitlementTarget.hub_id == hub_id)
        .order_by(EntitlementTarget.position, EntitlementTarget.id)
    ).all()
    return [_target(row) for row in rows] if rows else list(DEFAULT_TARGETS)


def is_default(hub_id: int) -> bool:
    """Whether the hub uses the defaults (has set no targets of its own)."""
    return (
        db.session.scalar(select(EntitlementTarget.id).where(EntitlementTarget.hub_id == hub_id).limit(1))
        is None
    )


def save_targets(hub_id: int, targets: list[Target], user_id: int) -> None:
    """Replace the hub's targets with these (in this order), audited; in the caller's transaction."""
    db.session.execute(delete(EntitlementTarget).where(EntitlementTarget.hub_id == hub_id))
    db.session.add_all(
        EntitlementTarget(
            hub_id=hub_id,
            key=target.key,
            label=target.label,
            measure=target.measure,
            first_year=target.first_year,
            last_year=target.last_year,
            milestones=[str(value) for value in target.milestones],
            every_year=target.every_year,
            due_month=target.due[0],
            due_day=target.due[1],
            t_level_only=target.t_level_only,
            position=position,
            updated_by_id=user_id,
        )
        for position, target in enumerate(targets)
    )
    db.session.flush()
    audit(user_id, "entitlement_targets_set", "hub", hub_id, targets=[target.key for target in targets])


def _target(row: EntitlementTarget) -> Target:
    return Target(
        key=row.key,
        label=row.label,
        measure=row.measure,
        first_year=row.first_year,
        last_year=row.last_year,
        milestones=tuple(Decimal(value) for value in row.milestones),
        every_year=row.every_year,
        due=(row.due_month, row.due_day),
        t_level_only=row.t_level_only,
    )
