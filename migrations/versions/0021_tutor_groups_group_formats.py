"""Tutor groups and group formats: a pupil's tutor group from the MIS; an offer's days, a project set by the
employer over several days, and a whole class or tutor group with its staff

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OLD_FORMATS = (
    "'careers_talk', 'qa_panel', 'careers_fair', 'mock_interviews', 'cv_workshop', 'speed_networking', "
    "'workplace_visit', 'enterprise_challenge', 'mentoring_programme', 'online_talk', 'technical_talk', "
    "'taster_day'"
)
NEW_FORMATS = (
    "'careers_talk', 'qa_panel', 'careers_fair', 'mock_interviews', 'cv_workshop', 'speed_networking', "
    "'workplace_visit', 'workplace_project', 'enterprise_challenge', 'mentoring_programme', 'online_talk', "
    "'technical_talk', 'taster_day'"
)
# Offers, schools' requests and the hub's events share the one vocabulary of formats.
WITH_FORMAT = ('encounter_offer', 'encounter_request', 'encounter_event')


def _formats(table, formats):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_format'), type_='check')
        batch_op.create_check_constraint('format', f"format IN ({formats})")


def upgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tutor_group', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_student_school_id_tutor_group', ['school_id', 'tutor_group'], unique=False)

    with op.batch_alter_table('encounter_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('whole_group', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('staff_places', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_check_constraint('days_positive', 'days >= 1')
        batch_op.create_check_constraint('staff_places_not_negative', 'staff_places >= 0')
        batch_op.create_check_constraint('staff_with_whole_group', 'NOT whole_group OR staff_places >= 1')
    for table in WITH_FORMAT:
        _formats(table, NEW_FORMATS)


def downgrade():
    for table in WITH_FORMAT:
        # The old vocabulary has no project; its nearest format keeps the row and whatever refers to it.
        op.execute(f"UPDATE {table} SET format = 'workplace_visit' WHERE format = 'workplace_project'")
        _formats(table, OLD_FORMATS)
    with op.batch_alter_table('encounter_offer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_encounter_offer_staff_with_whole_group'), type_='check')
        batch_op.drop_constraint(op.f('ck_encounter_offer_staff_places_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_encounter_offer_days_positive'), type_='check')
        batch_op.drop_column('staff_places')
        batch_op.drop_column('whole_group')
        batch_op.drop_column('days')

    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_index('ix_student_school_id_tutor_group')
        batch_op.drop_column('tutor_group')
