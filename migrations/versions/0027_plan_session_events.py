"""A plan session the hub has given a date becomes an event: the session names it, and from then its
pupils' approved places are invited places at the event

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 20:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_plan_session_event_id'), ['event_id'], unique=True)
        batch_op.create_foreign_key(
            batch_op.f('fk_plan_session_event_id_encounter_event'), 'encounter_event', ['event_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('plan_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_session_event_id_encounter_event'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_plan_session_event_id'))
        batch_op.drop_column('event_id')
