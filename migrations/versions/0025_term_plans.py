"""Term plans: the planner's runs over a hub's term (what-if until kept), their sessions of each offer with
seats held by the database, and each pupil's proposed place with why (their need, at risk or not), approved by their school

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('term_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('kept', sa.Boolean(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('claim', sa.String(length=32), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f('ck_term_plan_status')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_term_plan_progress_range')),
    sa.CheckConstraint('term BETWEEN 1 AND 3', name=op.f('ck_term_plan_term_valid')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_term_plan_created_by_id_user')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_term_plan_hub_id_hub'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_plan'))
    )
    with op.batch_alter_table('term_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_plan_hub_id'), ['hub_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_term_plan_status'), ['status'], unique=False)
        batch_op.create_index('uq_term_plan_active_hub', ['hub_id'], unique=True, sqlite_where=sa.text("status IN ('queued', 'running')"), postgresql_where=sa.text("status IN ('queued', 'running')"))
        batch_op.create_index('uq_term_plan_kept', ['hub_id', 'academic_year', 'term'], unique=True, sqlite_where=sa.text('kept'), postgresql_where=sa.text('kept'))

    op.create_table('plan_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('tutor_group', sa.String(length=20), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('places_taken', sa.Integer(), nullable=False),
    sa.CheckConstraint('places_taken >= 0 AND places_taken <= seats', name=op.f('ck_plan_session_places_within_seats')),
    sa.ForeignKeyConstraint(['offer_id'], ['encounter_offer.id'], name=op.f('fk_plan_session_offer_id_encounter_offer')),
    sa.ForeignKeyConstraint(['plan_id'], ['term_plan.id'], name=op.f('fk_plan_session_plan_id_term_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_plan_session_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_session')),
    sa.UniqueConstraint('plan_id', 'offer_id', 'number', name=op.f('uq_plan_session_plan_id_offer_id_number'))
    )
    with op.batch_alter_table('plan_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_session_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_session_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_session_school_id'), ['school_id'], unique=False)

    op.create_table('plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('need', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('at_risk', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name=op.f('ck_plan_item_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_plan_item_decided_by_id_user')),
    sa.ForeignKeyConstraint(['offer_id'], ['encounter_offer.id'], name=op.f('fk_plan_item_offer_id_encounter_offer')),
    sa.ForeignKeyConstraint(['plan_id'], ['term_plan.id'], name=op.f('fk_plan_item_plan_id_term_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_plan_item_school_id_school')),
    sa.ForeignKeyConstraint(['session_id'], ['plan_session.id'], name=op.f('fk_plan_item_session_id_plan_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_plan_item_student_id_student'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_item')),
    sa.UniqueConstraint('plan_id', 'student_id', 'offer_id', name=op.f('uq_plan_item_plan_id_student_id_offer_id'))
    )
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.create_index('ix_plan_item_plan_school', ['plan_id', 'school_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_item_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_item_student_id'), ['student_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_item_student_id'))
        batch_op.drop_index(batch_op.f('ix_plan_item_session_id'))
        batch_op.drop_index('ix_plan_item_plan_school')
    op.drop_table('plan_item')
    with op.batch_alter_table('plan_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_session_school_id'))
        batch_op.drop_index(batch_op.f('ix_plan_session_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_session_offer_id'))
    op.drop_table('plan_session')
    with op.batch_alter_table('term_plan', schema=None) as batch_op:
        batch_op.drop_index('uq_term_plan_kept', sqlite_where=sa.text('kept'), postgresql_where=sa.text('kept'))
        batch_op.drop_index('uq_term_plan_active_hub', sqlite_where=sa.text("status IN ('queued', 'running')"), postgresql_where=sa.text("status IN ('queued', 'running')"))
        batch_op.drop_index(batch_op.f('ix_term_plan_status'))
        batch_op.drop_index(batch_op.f('ix_term_plan_hub_id'))
    op.drop_table('term_plan')
