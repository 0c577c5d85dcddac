"""An opportunity's practical details for the day: full address, arrival and finish times, who to ask for,
what to wear and bring, lunch and how to get there

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('arrival_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('finish_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('ask_for', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('dress_code', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('what_to_bring', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('lunch', sa.String(length=500), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('travel', sa.Text(), nullable=False, server_default=''))
        batch_op.create_check_constraint(
            batch_op.f('ck_opportunity_finish_after_arrival'),
            sa.text('arrival_time IS NULL OR finish_time IS NULL OR finish_time > arrival_time'),
        )


def downgrade():
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_opportunity_finish_after_arrival'), type_='check')
        batch_op.drop_column('travel')
        batch_op.drop_column('lunch')
        batch_op.drop_column('what_to_bring')
        batch_op.drop_column('dress_code')
        batch_op.drop_column('ask_for')
        batch_op.drop_column('finish_time')
        batch_op.drop_column('arrival_time')
        batch_op.drop_column('address')
