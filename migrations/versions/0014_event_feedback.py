"""What pupils and organisations said after an event: three answers per pupil's place, two per event and
organisation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 03:03:13.009051

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('pupils_ready', sa.Integer(), nullable=False),
    sa.Column('would_return', sa.Boolean(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('pupils_ready BETWEEN 1 AND 5', name=op.f('ck_organisation_feedback_ready_1_to_5')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_organisation_feedback_employer_id_employer')),
    sa.ForeignKeyConstraint(['event_id'], ['encounter_event.id'], name=op.f('fk_organisation_feedback_event_id_encounter_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['given_by_id'], ['user.id'], name=op.f('fk_organisation_feedback_given_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_feedback')),
    sa.UniqueConstraint('event_id', 'employer_id', name=op.f('uq_organisation_feedback_event_id_employer_id'))
    )
    with op.batch_alter_table('organisation_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_feedback_employer_id'), ['employer_id'], unique=False)

    op.create_table('pupil_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('learned', sa.Boolean(), nullable=False),
    sa.Column('wants_more', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_pupil_feedback_rating_1_to_5')),
    sa.ForeignKeyConstraint(['place_id'], ['event_place.id'], name=op.f('fk_pupil_feedback_place_id_event_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupil_feedback')),
    sa.UniqueConstraint('place_id', name=op.f('uq_pupil_feedback_place_id'))
    )


def downgrade():
    op.drop_table('pupil_feedback')
    with op.batch_alter_table('organisation_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_feedback_employer_id'))

    op.drop_table('organisation_feedback')
