"""Sign-in with the school's Google or Microsoft accounts: identities and each school's allowed domains and providers

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("provider IN ('google', 'microsoft')", name=op.f('ck_sign_in_identity_provider')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sign_in_identity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_identity')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_sign_in_identity_issuer_subject')),
    sa.UniqueConstraint('user_id', 'provider', name=op.f('uq_sign_in_identity_user_id_provider'))
    )
    with op.batch_alter_table('sign_in_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_identity_user_id'), ['user_id'], unique=False)

    op.create_table('sign_in_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('hub_id', sa.Integer(), nullable=True),
    sa.Column('providers', sa.JSON(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(school_id IS NULL AND hub_id IS NOT NULL) OR (school_id IS NOT NULL AND hub_id IS NULL)', name=op.f('ck_sign_in_policy_school_or_hub')),
    sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_sign_in_policy_hub_id_hub'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_sign_in_policy_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_sign_in_policy_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_policy')),
    sa.UniqueConstraint('hub_id', name=op.f('uq_sign_in_policy_hub_id')),
    sa.UniqueConstraint('school_id', name=op.f('uq_sign_in_policy_school_id'))
    )


def downgrade():
    op.drop_table('sign_in_policy')
    with op.batch_alter_table('sign_in_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_identity_user_id'))

    op.drop_table('sign_in_identity')
