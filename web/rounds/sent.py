"""What the careers leader or hub admin is told once offers go out: how many, and how each student heard."""

from __future__ import annotations

from web.dao.reach import Reached


def sent_message(reached: Reached, held: int = 0) -> str:
    """The message for offers just released, for example "3 offers sent to students: 1 emailed, 1 invited
    to make an account, 1 could not be reached: no email address in the MIS import — tell them yourself";
    `held` offers could not be made at all."""
    parts = []
    if reached.emailed:
        parts.append(f"{reached.emailed:,} emailed")
    if reached.invited:
        parts.append(f"{reached.invited:,} invited to make an account")
    unreached = sum(reached.unreached.values())
    if unreached:
        if len(reached.unreached) == 1:
            why = f": {next(iter(reached.unreached))}"
        else:
            whys = sorted(reached.unreached.items(), key=lambda item: (-item[1], item[0]))
            why = " (" + ", ".join(f"{n:,} {reason}" for reason, n in whys) + ")"
        parts.append(f"{unreached:,} could not be reached{why} — tell them yourself")
    message = (
        "1 offer sent to the student"
        if reached.offered == 1
        else f"{reached.offered:,} offers sent to students"
    )
    if parts:
        message += ": " + ", ".join(parts)
    if held:
        message += f". {held:,} could not be offered: the placement has closed or starts too soon"
    return message
