"""Two-step sign-in for staff: TOTP secrets and recovery codes

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'two_step',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_encrypted', sa.String(length=255), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_two_step_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_step')),
    )
    op.create_table(
        'two_step_recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_two_step_recovery_code_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_two_step_recovery_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_two_step_recovery_code_code_hash')),
    )
    with op.batch_alter_table('two_step_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_two_step_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('two_step_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_two_step_recovery_code_user_id'))
    op.drop_table('two_step_recovery_code')
    op.drop_table('two_step')
