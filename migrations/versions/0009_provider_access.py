"""Provider access: each school's published policy for colleges and training providers (how to ask, notice,
blackout dates, visiting staff, premises, grounds for refusing)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_access_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('how_to_ask', sa.Text(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('blackout_dates', sa.JSON(), nullable=False),
    sa.Column('max_visitors', sa.Integer(), nullable=False),
    sa.Column('premises', sa.Text(), nullable=False),
    sa.Column('refusal_grounds', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('max_visitors >= 1', name=op.f('ck_provider_access_policy_max_visitors_at_least_one')),
    sa.CheckConstraint('notice_days >= 0', name=op.f('ck_provider_access_policy_notice_days_not_negative')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_provider_access_policy_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_access_policy')),
    sa.UniqueConstraint('school_id', name=op.f('uq_provider_access_policy_school_id'))
    )


def downgrade():
    op.drop_table('provider_access_policy')
