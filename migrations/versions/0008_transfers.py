"""Transfers: a school asks for a pupil on another school's roll in the hub, found by UPN in its import

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('student_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('from_school_id', sa.Integer(), nullable=False),
    sa.Column('to_school_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'confirmed', 'refused', 'withdrawn')", name=op.f('ck_student_transfer_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_student_transfer_decided_by_id_user')),
    sa.ForeignKeyConstraint(['from_school_id'], ['school.id'], name=op.f('fk_student_transfer_from_school_id_school')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_student_transfer_requested_by_id_user')),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_student_transfer_student_id_student'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_school_id'], ['school.id'], name=op.f('fk_student_transfer_to_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_student_transfer'))
    )
    with op.batch_alter_table('student_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_transfer_from_school_id'), ['from_school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_student_transfer_student_id'), ['student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_student_transfer_to_school_id'), ['to_school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('student_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_transfer_to_school_id'))
        batch_op.drop_index(batch_op.f('ix_student_transfer_student_id'))
        batch_op.drop_index(batch_op.f('ix_student_transfer_from_school_id'))

    op.drop_table('student_transfer')
