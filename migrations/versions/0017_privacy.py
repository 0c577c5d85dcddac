"""Privacy: each hub's retention rules and nightly runs, holds on a pupil's record, the access log, subject
access bundles, and when a pupil was anonymised

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

RECORD_TYPES = (
    "'pupil', 'account', 'consent', 'placement', 'encounter_record', 'feedback', 'notification', "
    "'audit_event', 'access_log', 'mis_import'"
)


def upgrade():
    op.create_table(
        'retention_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hub_id', sa.Integer(), nullable=False),
        sa.Column('record_type', sa.String(length=20), nullable=False),
        sa.Column('keep_days', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(f'record_type IN ({RECORD_TYPES})', name=op.f('ck_retention_rule_record_type')),
        sa.CheckConstraint('keep_days >= 0', name=op.f('ck_retention_rule_keep_days_not_negative')),
        sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_retention_rule_changed_by_id_user')),
        sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_retention_rule_hub_id_hub'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_rule')),
        sa.UniqueConstraint('hub_id', 'record_type', name=op.f('uq_retention_rule_hub_id_record_type')),
    )
    op.create_index(op.f('ix_retention_rule_hub_id'), 'retention_rule', ['hub_id'], unique=False)
    op.create_table(
        'retention_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hub_id', sa.Integer(), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('seconds', sa.Double(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('notice', 'applied')", name=op.f('ck_retention_run_kind')),
        sa.ForeignKeyConstraint(['hub_id'], ['hub.id'], name=op.f('fk_retention_run_hub_id_hub'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_run')),
        sa.UniqueConstraint('hub_id', 'on_date', 'kind', name=op.f('uq_retention_run_hub_id_on_date_kind')),
    )
    op.create_index(op.f('ix_retention_run_hub_id'), 'retention_run', ['hub_id'], unique=False)
    op.create_table(
        'pupil_hold',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_pupil_hold_set_by_id_user')),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_pupil_hold_student_id_student'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pupil_hold')),
        sa.UniqueConstraint('student_id', name=op.f('uq_pupil_hold_student_id')),
    )
    op.create_table(
        'access_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.String(length=80), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_access_log_student_id_student'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_access_log_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log')),
    )
    op.create_index(op.f('ix_access_log_at'), 'access_log', ['at'], unique=False)
    op.create_index('ix_access_log_student_at', 'access_log', ['student_id', 'at'], unique=False)
    op.create_index(op.f('ix_access_log_user_id'), 'access_log', ['user_id'], unique=False)
    op.create_table(
        'subject_access_bundle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('student_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('salt', sa.String(length=64), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('ready_at', sa.DateTime(), nullable=True),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('queued', 'ready', 'failed')", name=op.f('ck_subject_access_bundle_status')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_subject_access_bundle_requested_by_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_subject_access_bundle_student_id_student'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_bundle')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_subject_access_bundle_token_hash')),
    )
    op.create_index(op.f('ix_subject_access_bundle_created_at'), 'subject_access_bundle', ['created_at'], unique=False)
    op.create_index(op.f('ix_subject_access_bundle_requested_by_id'), 'subject_access_bundle', ['requested_by_id'], unique=False)
    op.create_index(op.f('ix_subject_access_bundle_student_id'), 'subject_access_bundle', ['student_id'], unique=False)
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('student', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    op.drop_table('subject_access_bundle')
    op.drop_table('access_log')
    op.drop_table('pupil_hold')
    op.drop_table('retention_run')
    op.drop_table('retention_rule')
