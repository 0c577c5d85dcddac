"""One slot at a time per pupil, on PostgreSQL, by an exclusion on the pupil's id with = (btree_gist) in place
of int4range(id, id) with &&: the same rule, still held by the database under concurrent writers, with a
cheaper index; a hub's allocation saves its 100,000 places about a second sooner. SQLite keeps its trigger.

Revision ID: 0023
Revises: 0025
Create Date: 2026-12-07 17:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0025'
branch_labels = None
depends_on = None

# The places that hold a seat and the pupil's time (web/models/events.py HOLDING), as migration 0013.
HOLDING = "status IN ('proposed', 'invited', 'attended')"
OVERLAP = "ex_event_place_one_at_a_time"
BY_PUPIL = (
    f"ALTER TABLE event_place ADD CONSTRAINT {OVERLAP} EXCLUDE USING gist "
    f"(student_id WITH =, tsrange(starts_at, ends_at) WITH &&) WHERE ({HOLDING})"
)
BY_RANGE = (
    f"ALTER TABLE event_place ADD CONSTRAINT {OVERLAP} EXCLUDE USING gist "
    "(int4range(student_id, student_id, '[]') WITH &&, tsrange(starts_at, ends_at) WITH &&) "
    f"WHERE ({HOLDING})"
)


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # A trusted extension (PostgreSQL 13 on): the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(f"ALTER TABLE event_place DROP CONSTRAINT {OVERLAP}")
    op.execute(BY_PUPIL)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"ALTER TABLE event_place DROP CONSTRAINT {OVERLAP}")
    op.execute(BY_RANGE)
