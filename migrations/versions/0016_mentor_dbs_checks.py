"""A mentoring offer's enhanced DBS check as the hub recorded it: whose certificate, its date of issue, who saw
it and when

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 06:32:48.299104

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('encounter_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dbs_mentor', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('dbs_issued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('dbs_seen_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dbs_seen_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_encounter_offer_dbs_seen_by_id_user'), 'user', ['dbs_seen_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('encounter_offer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_encounter_offer_dbs_seen_by_id_user'), type_='foreignkey')
        batch_op.drop_column('dbs_seen_on')
        batch_op.drop_column('dbs_seen_by_id')
        batch_op.drop_column('dbs_issued_on')
        batch_op.drop_column('dbs_mentor')

