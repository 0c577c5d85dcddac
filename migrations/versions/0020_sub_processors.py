"""The hub's sub-processors list (mail, hosting), shown on its public page

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sub_processor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('terms_url', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_sub_processor_created_by_id_user')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_sub_processor_hub_id_hub'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sub_processor'))
    )
    with op.batch_alter_table('sub_processor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sub_processor_hub_id'), ['hub_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sub_processor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sub_processor_hub_id'))

    op.drop_table('sub_processor')
