"""Parents' links to their child's entitlements: a single-use secret, then a session on one device

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parent_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('session_key_hash', sa.String(length=64), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_parent_link_revoked_by_id_user')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_parent_link_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_parent_link_sent_by_id_user')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_parent_link_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_parent_link_token_hash'))
    )
    with op.batch_alter_table('parent_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_link_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_link_student_id'), ['student_id'], unique=False)


def downgrade():
    with op.batch_alter_table('parent_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_link_student_id'))
        batch_op.drop_index(batch_op.f('ix_parent_link_school_id'))

    op.drop_table('parent_link')
