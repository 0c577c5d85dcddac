"""A hub's entitlement targets for Years 7 to 13 (the ledger and the year planner count against them)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('entitlement_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('every_year', sa.Boolean(), nullable=False),
    sa.Column('due_month', sa.Integer(), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=False),
    sa.Column('t_level_only', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("measure IN ('employer', 'provider', 'workplace_hours', 't_level_hours')", name=op.f('ck_entitlement_target_measure')),
    sa.CheckConstraint('due_month BETWEEN 1 AND 12 AND due_day BETWEEN 1 AND 31', name=op.f('ck_entitlement_target_due_day_valid')),
    sa.CheckConstraint('first_year >= 7 AND last_year <= 13 AND last_year >= first_year', name=op.f('ck_entitlement_target_years_in_order')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_entitlement_target_hub_id_hub'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_entitlement_target_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement_target')),
    sa.UniqueConstraint('hub_id', 'key', name=op.f('uq_entitlement_target_hub_id_key'))
    )
    with op.batch_alter_table('entitlement_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entitlement_target_hub_id'), ['hub_id'], unique=False)


def downgrade():
    with op.batch_alter_table('entitlement_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entitlement_target_hub_id'))

    op.drop_table('entitlement_target')
