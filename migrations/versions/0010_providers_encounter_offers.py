"""Providers and encounter offers: an organisation's kind (employer, or an education or training provider),
and the encounters each offers schools (format, route, year groups, group size, hours, where, when, travel,
how many a term)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

KINDS = ('employer', 'fe_college', 'sixth_form_college', 'utc', 'training_provider', 'apprenticeship_provider', 'university')


def upgrade():
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=30), nullable=False, server_default='employer'))
        batch_op.create_check_constraint(
            batch_op.f('ck_employer_kind'),
            sa.text('kind IN (' + ', '.join(f"'{kind}'" for kind in KINDS) + ')'),
        )

    op.create_table('encounter_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=True),
    sa.Column('route', sa.String(length=60), nullable=False),
    sa.Column('pathway', sa.String(length=10), nullable=False),
    sa.Column('year_groups', sa.JSON(), nullable=False),
    sa.Column('group_min', sa.Integer(), nullable=False),
    sa.Column('group_max', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('location', sa.String(length=10), nullable=False),
    sa.Column('travel_km', sa.Integer(), nullable=True),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('available_until', sa.Date(), nullable=False),
    sa.Column('availability_note', sa.String(length=200), nullable=False, server_default=''),
    sa.Column('per_term', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("format IN ('careers_talk', 'qa_panel', 'careers_fair', 'mock_interviews', 'cv_workshop', 'speed_networking', 'workplace_visit', 'enterprise_challenge', 'mentoring_programme', 'online_talk', 'technical_talk', 'taster_day')", name=op.f('ck_encounter_offer_format')),
    sa.CheckConstraint("pathway IN ('technical', 'academic', 'both')", name=op.f('ck_encounter_offer_pathway')),
    sa.CheckConstraint("location IN ('school', 'workplace', 'online')", name=op.f('ck_encounter_offer_location')),
    sa.CheckConstraint("status IN ('draft', 'offered', 'withdrawn')", name=op.f('ck_encounter_offer_status')),
    sa.CheckConstraint('group_min >= 1 AND group_max >= group_min', name=op.f('ck_encounter_offer_group_size_in_order')),
    sa.CheckConstraint('hours > 0', name=op.f('ck_encounter_offer_hours_positive')),
    sa.CheckConstraint('per_term >= 1', name=op.f('ck_encounter_offer_per_term_positive')),
    sa.CheckConstraint('available_until >= available_from', name=op.f('ck_encounter_offer_dates_in_order')),
    sa.CheckConstraint("(format = 'mentoring_programme' AND sessions IS NOT NULL AND sessions >= 1) OR (format <> 'mentoring_programme' AND sessions IS NULL)", name=op.f('ck_encounter_offer_sessions_for_mentoring')),
    sa.CheckConstraint("(location = 'online' AND travel_km IS NULL) OR (location <> 'online' AND travel_km IS NOT NULL AND travel_km >= 0)", name=op.f('ck_encounter_offer_travel_unless_online')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_encounter_offer_employer_id_employer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_offer'))
    )
    with op.batch_alter_table('encounter_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encounter_offer_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_encounter_offer_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('encounter_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_encounter_offer_status'))
        batch_op.drop_index(batch_op.f('ix_encounter_offer_employer_id'))

    op.drop_table('encounter_offer')

    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_employer_kind'), type_='check')
        batch_op.drop_column('kind')
