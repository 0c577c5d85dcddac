"""Encounter events with time slots, the hub's allocations of pupils to them, each pupil's place (one slot
at a time, held by the database), and the experience record an attended place writes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:22:59.481175

"""
from alembic import op
import sqlalchemy as sa

# The places that hold a seat and the pupil's time (web/models/events.py HOLDING).
HOLDING = "status IN ('proposed', 'invited', 'attended')"
OVERLAP = "ex_event_place_one_at_a_time"
POSTGRES_OVERLAP = (
    f"ALTER TABLE event_place ADD CONSTRAINT {OVERLAP} EXCLUDE USING gist "
    "(int4range(student_id, student_id, '[]') WITH &&, tsrange(starts_at, ends_at) WITH &&) "
    f"WHERE ({HOLDING})"
)
SQLITE_OVERLAP = [
    f"CREATE TRIGGER {OVERLAP}_{when} BEFORE {what} ON event_place FOR EACH ROW "
    "BEGIN SELECT RAISE(ABORT, 'one_at_a_time: the pupil holds another place at that time') "
    f"WHERE {HOLDING.replace('status', 'NEW.status')} AND EXISTS (SELECT 1 FROM event_place AS other "
    "WHERE other.student_id = NEW.student_id AND other.id IS NOT NEW.id "
    f"AND {HOLDING.replace('status', 'other.status')} "
    "AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at); END"
    for when, what in (("insert", "INSERT"), ("update", "UPDATE OF status, starts_at, ends_at, student_id"))
]


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('encounter_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('route', sa.String(length=60), nullable=True),
    sa.Column('pathway', sa.String(length=10), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('year_groups', sa.JSON(), nullable=False),
    sa.Column('max_slots', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("format IN ('careers_talk', 'qa_panel', 'careers_fair', 'mock_interviews', 'cv_workshop', 'speed_networking', 'workplace_visit', 'enterprise_challenge', 'mentoring_programme', 'online_talk', 'technical_talk', 'taster_day')", name=op.f('ck_encounter_event_format')),
    sa.CheckConstraint("pathway IN ('technical', 'academic', 'both')", name=op.f('ck_encounter_event_pathway')),
    sa.CheckConstraint("status IN ('draft', 'open', 'allocated', 'held', 'cancelled')", name=op.f('ck_encounter_event_status')),
    sa.CheckConstraint('max_slots >= 1', name=op.f('ck_encounter_event_max_slots_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_encounter_event_created_by_id_user')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_encounter_event_hub_id_hub')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_event'))
    )
    with op.batch_alter_table('encounter_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encounter_event_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_encounter_event_status'), ['status'], unique=False)

    op.create_table('event_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('claim', sa.String(length=32), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name=op.f('ck_event_allocation_status')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_event_allocation_progress_percent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_allocation_created_by_id_user')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_event_allocation_hub_id_hub')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_allocation'))
    )
    with op.batch_alter_table('event_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_allocation_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_allocation_status'), ['status'], unique=False)
        batch_op.create_index('uq_event_allocation_active_hub', ['hub_id'], unique=True, sqlite_where=sa.text("status IN ('queued', 'running')"), postgresql_where=sa.text("status IN ('queued', 'running')"))

    op.create_table('event_school',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['encounter_event.id'], name=op.f('fk_event_school_event_id_encounter_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_event_school_school_id_school')),
    sa.PrimaryKeyConstraint('event_id', 'school_id', name=op.f('pk_event_school'))
    )
    with op.batch_alter_table('event_school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_school_school_id'), ['school_id'], unique=False)

    op.create_table('event_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('invite_limit', sa.Integer(), nullable=False),
    sa.Column('places_taken', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_event_slot_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_slot_times_in_order')),
    sa.CheckConstraint('invite_limit >= capacity', name=op.f('ck_event_slot_invites_cover_capacity')),
    sa.CheckConstraint('places_taken >= 0 AND places_taken <= invite_limit', name=op.f('ck_event_slot_places_within_invites')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_event_slot_employer_id_employer')),
    sa.ForeignKeyConstraint(['event_id'], ['encounter_event.id'], name=op.f('fk_event_slot_event_id_encounter_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_slot'))
    )
    with op.batch_alter_table('event_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_slot_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_slot_event_id'), ['event_id'], unique=False)

    op.create_table('event_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('allocation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('waitlist_rank', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status = 'waitlisted') = (waitlist_rank IS NOT NULL)", name=op.f('ck_event_place_ranked_when_waitlisted')),
    sa.CheckConstraint("status IN ('proposed', 'invited', 'waitlisted', 'declined', 'rejected', 'attended', 'absent')", name=op.f('ck_event_place_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_place_times_in_order')),
    sa.ForeignKeyConstraint(['allocation_id'], ['event_allocation.id'], name=op.f('fk_event_place_allocation_id_event_allocation')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_event_place_decided_by_id_user')),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user.id'], name=op.f('fk_event_place_marked_by_id_user')),
    sa.ForeignKeyConstraint(['slot_id'], ['event_slot.id'], name=op.f('fk_event_place_slot_id_event_slot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_event_place_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_place')),
    sa.UniqueConstraint('slot_id', 'student_id', name=op.f('uq_event_place_slot_id_student_id'))
    )
    with op.batch_alter_table('event_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_place_allocation_id'), ['allocation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_place_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_place_status'), ['status'], unique=False)
        batch_op.create_index('ix_event_place_student_time', ['student_id', 'starts_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_OVERLAP)
    else:
        for statement in SQLITE_OVERLAP:
            op.execute(statement)

    with op.batch_alter_table('experience_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_place_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_experience_record_event_place_id'), ['event_place_id'])
        batch_op.create_foreign_key(batch_op.f('fk_experience_record_event_place_id_event_place'), 'event_place', ['event_place_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('experience_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_experience_record_event_place_id_event_place'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_experience_record_event_place_id'), type_='unique')
        batch_op.drop_column('event_place_id')

    with op.batch_alter_table('event_place', schema=None) as batch_op:
        batch_op.drop_index('ix_event_place_student_time')
        batch_op.drop_index(batch_op.f('ix_event_place_status'))
        batch_op.drop_index(batch_op.f('ix_event_place_slot_id'))
        batch_op.drop_index(batch_op.f('ix_event_place_allocation_id'))

    op.drop_table('event_place')
    with op.batch_alter_table('event_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_slot_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_slot_employer_id'))

    op.drop_table('event_slot')
    with op.batch_alter_table('event_school', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_school_school_id'))

    op.drop_table('event_school')
    with op.batch_alter_table('event_allocation', schema=None) as batch_op:
        batch_op.drop_index('uq_event_allocation_active_hub', sqlite_where=sa.text("status IN ('queued', 'running')"), postgresql_where=sa.text("status IN ('queued', 'running')"))
        batch_op.drop_index(batch_op.f('ix_event_allocation_status'))
        batch_op.drop_index(batch_op.f('ix_event_allocation_hub_id'))

    op.drop_table('event_allocation')
    with op.batch_alter_table('encounter_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_encounter_event_status'))
        batch_op.drop_index(batch_op.f('ix_encounter_event_hub_id'))

    op.drop_table('encounter_event')
