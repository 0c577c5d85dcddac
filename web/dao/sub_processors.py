"""Each hub's sub-processors, as its public page and its hub admin's list show them."""

from __future__ import annotations

from sqlalchemy import func, select

from web.extensions import db
from web.models import Hub, SubProcessor


def hubs_with_counts() -> list[tuple[Hub, int]]:
    """Every hub by name, with how many sub-processors it lists."""
    listed = func.count(SubProcessor.id)
    rows = db.session.execute(
        select(Hub, listed).outerjoin(SubProcessor, SubProcessor.hub_id == Hub.id).group_by(Hub.id)
    ).all()
    return sorted(((hub, count) for hub, count in rows), key=lambda row: (row[0].name.casefold(), row[0].id))


def of_hub(hub_id: int) -> list[SubProcessor]:
    """The hub's sub-processors by name."""
    found = db.session.scalars(select(SubProcessor).where(SubProcessor.hub_id == hub_id)).all()
    return sorted(found, key=lambda row: (row.name.casefold(), row.id))
