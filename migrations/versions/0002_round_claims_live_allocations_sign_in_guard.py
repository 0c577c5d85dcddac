"""Round claims and heartbeats, cancelled rounds, one live allocation per student and place, sign-in guard

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

HOLDING = "status IN ('accepted', 'consented', 'confirmed', 'completed')"
LIVE = "status IN ('proposed', 'approved', 'offered', 'accepted', 'consented', 'confirmed', 'completed')"
ACTIVE = "status IN ('queued', 'running')"
OLD_ROUND_STATUSES = "status IN ('queued', 'running', 'succeeded', 'failed')"
ROUND_STATUSES = "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')"
# How far along a live allocation is: held, then released to the student or approved, then proposed.
STAGE = (
    "(CASE WHEN {table}.status IN ('accepted', 'consented', 'confirmed', 'completed') THEN 3"
    " WHEN {table}.status IN ('approved', 'offered') THEN 2 ELSE 1 END)"
)


def upgrade():
    with op.batch_alter_table('match_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('enqueued_at', sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_match_round_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_match_round_status'), sa.text(ROUND_STATUSES))
    # Rounds stranded by a dead worker before this release: one per school may stay active, and it is given
    # the times the repair task reads, so it is queued again or sent again like any round whose worker died.
    op.execute("UPDATE match_round SET heartbeat_at = coalesce(started_at, created_at) WHERE status = 'running'")
    op.execute("UPDATE match_round SET enqueued_at = created_at WHERE status = 'queued'")
    op.execute(
        "UPDATE match_round SET status = 'failed', stage = 'Stopped', "
        "error = 'This round stopped when its worker did. Start it again.' "
        "WHERE status IN ('queued', 'running') AND id NOT IN "
        "(SELECT max(id) FROM match_round WHERE status IN ('queued', 'running') GROUP BY school_id)"
        " AND school_id IS NOT NULL"
    )
    with op.batch_alter_table('match_round', schema=None) as batch_op:
        batch_op.create_index('uq_match_round_active_school', ['school_id'], unique=True,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))

    # Two live allocations of one student for one place (the double offer): keep the one furthest along
    # (held, then offered or approved, then proposed), the newest of equals, and expire the others, so the
    # new index can be built.
    op.execute(
        "UPDATE allocation SET status = 'expired' WHERE " + LIVE.replace('status', 'allocation.status') +
        " AND EXISTS (SELECT 1 FROM allocation AS other WHERE other.student_id = allocation.student_id"
        " AND other.opportunity_id = allocation.opportunity_id AND other.id <> allocation.id"
        " AND " + LIVE.replace('status', 'other.status') + " AND (" + STAGE.format(table='other') + " > "
        + STAGE.format(table='allocation') + " OR (" + STAGE.format(table='other') + " = "
        + STAGE.format(table='allocation') + " AND other.id > allocation.id)))"
    )
    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_index('uq_allocation_holding_student_opportunity',
                            sqlite_where=sa.text(HOLDING), postgresql_where=sa.text(HOLDING))
        batch_op.create_index('uq_allocation_live_student_opportunity', ['student_id', 'opportunity_id'],
                              unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))

    op.create_table('sign_in_guard',
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email_hash', name=op.f('pk_sign_in_guard'))
    )


def downgrade():
    op.drop_table('sign_in_guard')

    with op.batch_alter_table('allocation', schema=None) as batch_op:
        batch_op.drop_index('uq_allocation_live_student_opportunity',
                            sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
        batch_op.create_index('uq_allocation_holding_student_opportunity', ['student_id', 'opportunity_id'],
                              unique=True, sqlite_where=sa.text(HOLDING), postgresql_where=sa.text(HOLDING))

    op.execute("UPDATE match_round SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table('match_round', schema=None) as batch_op:
        batch_op.drop_index('uq_match_round_active_school',
                            sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
        batch_op.drop_constraint(batch_op.f('ck_match_round_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_match_round_status'), sa.text(OLD_ROUND_STATUSES))
        batch_op.drop_column('enqueued_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('claim')
