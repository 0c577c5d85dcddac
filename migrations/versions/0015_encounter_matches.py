"""The hub's brokering: the engine's proposals of an organisation's offer for a school's open request,
approved by the hub and confirmed by the organisation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:09:34.611779

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('encounter_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('km', sa.Double(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_encounter_match_decided_by_id_user')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_encounter_match_employer_id_employer')),
    sa.ForeignKeyConstraint(['offer_id'], ['encounter_offer.id'], name=op.f('fk_encounter_match_offer_id_encounter_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_encounter_match_proposed_by_id_user')),
    sa.ForeignKeyConstraint(['request_id'], ['encounter_request.id'], name=op.f('fk_encounter_match_request_id_encounter_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encounter_match'))
    )
    with op.batch_alter_table('encounter_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_encounter_match_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_encounter_match_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index('uq_encounter_match_active_request', ['request_id'], unique=True, sqlite_where=sa.text("status IN ('proposed', 'asked')"), postgresql_where=sa.text("status IN ('proposed', 'asked')"))



def downgrade():
    with op.batch_alter_table('encounter_match', schema=None) as batch_op:
        batch_op.drop_index('uq_encounter_match_active_request', sqlite_where=sa.text("status IN ('proposed', 'asked')"), postgresql_where=sa.text("status IN ('proposed', 'asked')"))
        batch_op.drop_index(batch_op.f('ix_encounter_match_offer_id'))
        batch_op.drop_index(batch_op.f('ix_encounter_match_employer_id'))

    op.drop_table('encounter_match')
