"""Encounter requests: a school asks for an encounter (format, route or any, pathway, year groups, audience,
where, the dates wanted and a note), and organisations whose offers fit it answer with one of them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

FORMATS = ('careers_talk', 'qa_panel', 'careers_fair', 'mock_interviews', 'cv_workshop', 'speed_networking', 'workplace_visit', 'enterprise_challenge', 'mentoring_programme', 'online_talk', 'technical_talk', 'taster_day')


def _one_of(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('encounter_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('route', sa.String(length=60), nullable=True),
    sa.Column('pathway', sa.String(length=10), nullable=False),
    sa.Column('year_groups', sa.JSON(), nullable=False),
    sa.Column('audience', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=10), nullable=False),
    sa.Column('wanted_from', sa.Date(), nullable=False),
    sa.Column('wanted_until', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False, server_default=''),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(_one_of('format', FORMATS), name=op.f('ck_encounter_request_format')),
    sa.CheckConstraint(_one_of('pathway', ('technical', 'academic', 'both')), name=op.f('ck_encounter_request_pathway')),
    sa.CheckConstraint(_one_of('location', ('school', 'workplace', 'online')), name=op.f('ck_encounter_request_location')),
    sa.CheckConstraint(_one_of('status', ('open', 'booked', 'cancelled')), name=op.f('ck_encounter_request_status')),
    sa.CheckConstraint('audience >= 1', name=op.f('ck_encounter_request_audience_positive')),
    sa.CheckConstraint('wanted_until >= wanted_from', name=op.f('ck_encounter_request_dates_in_order')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_encounter_request_school_id_school')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_encounter_request_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_request'))
    )
    with op.batch_alter_table('encounter_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encounter_request_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_encounter_request_status'), ['status'], unique=False)

    op.create_table('encounter_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False, server_default=''),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(_one_of('status', ('offered', 'accepted', 'declined', 'withdrawn')), name=op.f('ck_encounter_response_status')),
    sa.ForeignKeyConstraint(['request_id'], ['encounter_request.id'], name=op.f('fk_encounter_response_request_id_encounter_request')),
    sa.ForeignKeyConstraint(['offer_id'], ['encounter_offer.id'], name=op.f('fk_encounter_response_offer_id_encounter_offer')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_encounter_response_employer_id_employer')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user.id'], name=op.f('fk_encounter_response_responded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_response')),
    sa.UniqueConstraint('request_id', 'offer_id', name=op.f('uq_encounter_response_request_id_offer_id'))
    )
    with op.batch_alter_table('encounter_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encounter_response_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_encounter_response_employer_id'), ['employer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('encounter_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_encounter_response_employer_id'))
        batch_op.drop_index(batch_op.f('ix_encounter_response_request_id'))

    op.drop_table('encounter_response')

    with op.batch_alter_table('encounter_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_encounter_request_status'))
        batch_op.drop_index(batch_op.f('ix_encounter_request_school_id'))

    op.drop_table('encounter_request')
