"""Provider access requests: a provider asks a school for a visit under the school's policy (date, year
groups, audience, visiting staff, message), and the careers leader grants it or refuses it with one of the
policy's reasons

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_access_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('visit_time', sa.Time(), nullable=True),
    sa.Column('year_groups', sa.JSON(), nullable=False),
    sa.Column('audience_size', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False, server_default=''),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('refusal_reason', sa.String(length=200), nullable=False, server_default=''),
    sa.Column('decision_note', sa.Text(), nullable=False, server_default=''),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'granted', 'refused', 'withdrawn')", name=op.f('ck_provider_access_request_status')),
    sa.CheckConstraint('audience_size >= 1', name=op.f('ck_provider_access_request_audience_size_positive')),
    sa.CheckConstraint('visitors >= 1', name=op.f('ck_provider_access_request_visitors_positive')),
    sa.CheckConstraint("(status = 'refused' AND refusal_reason <> '') OR (status <> 'refused' AND refusal_reason = '')", name=op.f('ck_provider_access_request_reason_when_refused')),
    sa.CheckConstraint("status NOT IN ('granted', 'refused') OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)", name=op.f('ck_provider_access_request_decided_by_someone')),
    sa.ForeignKeyConstraint(['provider_id'], ['employer.id'], name=op.f('fk_provider_access_request_provider_id_employer')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_provider_access_request_school_id_school')),
    sa.ForeignKeyConstraint(['offer_id'], ['encounter_offer.id'], name=op.f('fk_provider_access_request_offer_id_encounter_offer')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_provider_access_request_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_access_request'))
    )
    with op.batch_alter_table('provider_access_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_access_request_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provider_access_request_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('provider_access_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_access_request_school_id'))
        batch_op.drop_index(batch_op.f('ix_provider_access_request_provider_id'))

    op.drop_table('provider_access_request')
