"""Sign-in identities (a Google or Microsoft account linked to one of ours) and the policies that say which
providers and email domains each school, or a hub for its own admins, allows.

An identity is linked only by spending an invitation to the same email address (link_by_invitation), so
nobody signs themselves up; signing in afterwards finds the account by the identity's issuer and subject.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from web.dao import tokens
from web.dao.base import audit, insert_into
from web.dao.sign_in import clear_lock
from web.dao.users import rotate_session_token
from web.extensions import db
from web.models import AccessToken, SignInIdentity, SignInPolicy, Student, User
from web.models.base import utcnow


class IdentityTakenError(Exception):
    """The provider's account is linked to someone else's account here already."""


def domain_of(email: str) -> str:
    """The part of an address after its last @, in lower case ("" for no @)."""
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def policy_for_school(school_id: int) -> SignInPolicy | None:
    """What the school allows its careers leaders and pupils to sign in with, if it has said."""
    return db.session.scalar(select(SignInPolicy).where(SignInPolicy.school_id == school_id))


def policy_for_hub(hub_id: int) -> SignInPolicy | None:
    """What the hub allows its own admins to sign in with, if it has said."""
    return db.session.scalar(select(SignInPolicy).where(SignInPolicy.hub_id == hub_id))


def policy_for_user(user: User) -> SignInPolicy | None:
    """The policy that governs this account: its school's (careers leaders, and pupils at the school they
    are at now), its hub's (hub admins), or none (employer users sign in with a password)."""
    if user.role == "careers_leader" and user.school_id is not None:
        return policy_for_school(user.school_id)
    if user.role == "student" and user.student_id is not None:
        school_id = db.session.scalar(select(Student.school_id).where(Student.id == user.student_id))
        return policy_for_school(school_id) if school_id is not None else None
    if user.role == "hub_admin" and user.hub_id is not None:
        return policy_for_hub(user.hub_id)
    return None


def allows(policy: SignInPolicy | None, provider: str, email: str) -> bool:
    """Whether the policy lets this provider sign in an account with this address."""
    return (
        policy is not None
        and provider in (policy.providers or [])
        and domain_of(email) in (policy.domains or [])
    )


def save_policy(
    by_id: int,
    providers: list[str],
    domains: list[str],
    *,
    school_id: int | None = None,
    hub_id: int | None = None,
) -> None:
    """Set a school's (or a hub's) providers and domains, in the caller's transaction; two admins saving at
    once leave one answer, not two rows. Identities already linked stay, but sign in only while allowed."""
    values: dict[str, Any] = {
        "providers": sorted(set(providers)),
        "domains": sorted(set(domains)),
        "updated_by_id": by_id,
        "updated_at": utcnow(),
    }
    column = SignInPolicy.school_id if school_id is not None else SignInPolicy.hub_id
    upsert = (
        insert_into(SignInPolicy)
        .values(school_id=school_id, hub_id=hub_id, **values)
        .on_conflict_do_update(index_elements=[column], set_=values)
    )
    db.session.execute(upsert)
    db.session.expire_all()
    record = ("school", school_id) if school_id is not None else ("hub", hub_id)
    assert record[1] is not None
    audit(
        by_id,
        "sign_in_policy_saved",
        record[0],
        record[1],
        providers=values["providers"],
        domains=values["domains"],
    )


def find_identity(issuer: str, subject: str) -> SignInIdentity | None:
    """The identity with this issuer and subject, if one is linked."""
    return db.session.scalar(
        select(SignInIdentity).where(SignInIdentity.issuer == issuer, SignInIdentity.subject == subject)
    )


def identities_of(user_id: int) -> list[SignInIdentity]:
    """The identities linked to this account, by provider."""
    query = select(SignInIdentity).where(SignInIdentity.user_id == user_id).order_by(SignInIdentity.provider)
    return list(db.session.scalars(query))


def has_identity(user_id: int) -> bool:
    """Whether any provider's account is linked to this account."""
    return db.session.scalar(select(SignInIdentity.id).where(SignInIdentity.user_id == user_id)) is not None


def link_by_invitation(
    token: AccessToken, provider: str, issuer: str, subject: str, now: datetime
) -> User | None:
    """Spend the invitation and link the provider's account to the invited account (in the caller's
    transaction): no password is set, the account's other sessions and links end, and any sign-in lock on
    its address goes. None, changing nothing, if the invitation was spent or ran out meanwhile; raises
    IdentityTakenError if the provider's account is someone else's here."""
    taken = find_identity(issuer, subject)
    if taken is not None and taken.user_id != token.user_id:
        raise IdentityTakenError
    if not tokens.use(token.id, now):
        return None
    user = db.session.get(User, token.user_id)
    assert user is not None  # a token's user is deleted with it
    if taken is None:
        # A fresh invitation can move a pupil to another account of the same provider: the new one counts.
        db.session.execute(
            delete(SignInIdentity)
            .where(SignInIdentity.user_id == user.id, SignInIdentity.provider == provider)
            .execution_options(synchronize_session=False)
        )
        db.session.add(
            SignInIdentity(
                user_id=user.id,
                provider=provider,
                issuer=issuer,
                subject=subject,
                created_at=now,
                last_used_at=now,
            )
        )
    tokens.expire_all(user.id)  # an older link still in the mailbox must not set a password afterwards
    clear_lock(user.email)
    rotate_session_token(user)
    audit(user.id, "sign_in_identity_linked", "user", user.id, provider=provider)
    audit(user.id, "invitation_accepted", "user", user.id, method=provider)
    return user


def record_use(identity: SignInIdentity, now: datetime) -> None:
    """Note when the identity last signed in (in the caller's transaction)."""
    identity.last_used_at = now
