"""Employer asks: the hub's one termly ask of each engaged organisation (one a term, held by a unique
constraint), its parts by format, and the offer each accepted part became

Revision ID: 0026
Revises: 0023
Create Date: 2026-12-07 17:40:36.725072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('employer_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hub_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'sent')", name=op.f('ck_employer_ask_status')),
    sa.CheckConstraint('term BETWEEN 1 AND 3', name=op.f('ck_employer_ask_term_valid')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_employer_ask_created_by_id_user')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_employer_ask_employer_id_employer')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_employer_ask_hub_id_hub'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_ask')),
    sa.UniqueConstraint('hub_id', 'employer_id', 'academic_year', 'term', name=op.f('uq_employer_ask_hub_id_employer_id_academic_year_term'))
    )
    with op.batch_alter_table('employer_ask', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_ask_employer_id'), ['employer_id'], unique=False)

    op.create_table('ask_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ask_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('route', sa.String(length=60), nullable=False),
    sa.Column('pathway', sa.String(length=10), nullable=False),
    sa.Column('year_groups', sa.JSON(), nullable=False),
    sa.Column('group_min', sa.Integer(), nullable=False),
    sa.Column('group_max', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('whole_group', sa.Boolean(), nullable=False),
    sa.Column('staff_places', sa.Integer(), nullable=False),
    sa.Column('sessions', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=10), nullable=False),
    sa.Column('travel_km', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(location = 'online' AND travel_km IS NULL) OR (location <> 'online' AND travel_km IS NOT NULL AND travel_km >= 0)", name=op.f('ck_ask_part_travel_unless_online')),
    sa.CheckConstraint("(status = 'accepted') = (offer_id IS NOT NULL)", name=op.f('ck_ask_part_offer_when_accepted')),
    sa.CheckConstraint("format IN ('careers_talk', 'qa_panel', 'careers_fair', 'mock_interviews', 'cv_workshop', 'speed_networking', 'workplace_visit', 'workplace_project', 'enterprise_challenge', 'mentoring_programme', 'online_talk', 'technical_talk', 'taster_day')", name=op.f('ck_ask_part_format')),
    sa.CheckConstraint("location IN ('school', 'workplace', 'online')", name=op.f('ck_ask_part_location')),
    sa.CheckConstraint("pathway IN ('technical', 'academic', 'both')", name=op.f('ck_ask_part_pathway')),
    sa.CheckConstraint("status IN ('asked', 'accepted', 'declined')", name=op.f('ck_ask_part_status')),
    sa.CheckConstraint('NOT whole_group OR staff_places >= 1', name=op.f('ck_ask_part_staff_with_whole_group')),
    sa.CheckConstraint('days >= 1', name=op.f('ck_ask_part_days_positive')),
    sa.CheckConstraint('group_min >= 1 AND group_max >= group_min', name=op.f('ck_ask_part_group_size_in_order')),
    sa.CheckConstraint('hours > 0', name=op.f('ck_ask_part_hours_positive')),
    sa.CheckConstraint('sessions >= 1', name=op.f('ck_ask_part_sessions_positive')),
    sa.ForeignKeyConstraint(['ask_id'], ['employer_ask.id'], name=op.f('fk_ask_part_ask_id_employer_ask'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_ask_part_decided_by_id_user')),
    sa.ForeignKeyConstraint(['offer_id'], ['encounter_offer.id'], name=op.f('fk_ask_part_offer_id_encounter_offer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ask_part')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_ask_part_offer_id'))
    )
    with op.batch_alter_table('ask_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ask_part_ask_id'), ['ask_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ask_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ask_part_ask_id'))

    op.drop_table('ask_part')
    with op.batch_alter_table('employer_ask', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_ask_employer_id'))

    op.drop_table('employer_ask')
