"""A school's students indexed in id order, so a page of a round's proposals for one school reads only that
school's students

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 17:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index('ix_student_school_id')
        batch_op.create_index('ix_student_school_id', ['school_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index('ix_student_school_id')
        batch_op.create_index('ix_student_school_id', ['school_id'], unique=False)
