"""A plan item's plan, offer and session are checked by one foreign key, to its session's (id, plan,
offer), instead of three: each is a per-row query on PostgreSQL, and three of them were 12 s of the hub
term's 600,000-item save. The rule is stronger than before (an item is of its session's plan and offer),
and the plan and offer are still checked, through the session's own foreign keys; deleting a plan still
deletes its sessions and their items

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 21:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plan_session", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_plan_session_id_plan_id_offer_id"), ["id", "plan_id", "offer_id"]
        )
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plan_item_plan_id_term_plan"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_plan_item_offer_id_encounter_offer"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_plan_item_session_id_plan_session"), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_item_session_id_plan_session"),
            "plan_session",
            ["session_id", "plan_id", "offer_id"],
            ["id", "plan_id", "offer_id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_plan_item_session_id_plan_session"), type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_item_session_id_plan_session"),
            "plan_session",
            ["session_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_item_offer_id_encounter_offer"), "encounter_offer", ["offer_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_item_plan_id_term_plan"), "term_plan", ["plan_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("plan_session", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_plan_session_id_plan_id_offer_id"), type_="unique")
