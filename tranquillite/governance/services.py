"""Every write of the council's bodies. Each takes the acting user and checks the right."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation, User
from tranquillite.core.guards import check_free_text
from tranquillite.core.models import Territory
from tranquillite.governance.forms import BodyForm
from tranquillite.governance.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    CharterSignature,
    Decision,
    EthicsCharter,
    FollowUpTask,
    Meeting,
    MeetingStatus,
    MemberStatus,
    Presence,
    TaskStatus,
)


def _require_manage(actor: Any, territory: Territory) -> None:
    if not actor.has_perm("governance.manage_bodies", territory):
        raise PermissionDenied("governance.manage_bodies")


@transaction.atomic
def save_body(*, actor: Any, territory: Territory, form: BodyForm) -> Body:
    _require_manage(actor, territory)
    body = form.save(commit=False)
    body.territory = territory
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def add_member(
    *,
    actor: Any,
    body: Body,
    user: User | None = None,
    contact_name: str = "",
    contact_email: str = "",
    organisation: Organisation | None = None,
    is_chair: bool = False,
) -> BodyMember:
    _require_manage(actor, body.territory)
    if organisation is not None and organisation.territory_id != body.territory_id:
        raise ValidationError(_("This organisation does not belong to this territory."))
    if user is not None:
        if not user.memberships.filter(territory=body.territory, is_active=True).exists():
            raise ValidationError(_("This person holds no role in this territory."))
        if BodyMember.objects.filter(body=body, user=user).exists():
            raise ValidationError(_("This person is already a member of this body."))
        if organisation is None:
            first = user.memberships.filter(territory=body.territory, is_active=True).first()
            organisation = first.organisation if first else None
    return BodyMember.objects.create(
        territory=body.territory,
        body=body,
        user=user,
        contact_name="" if user else contact_name.strip(),
        contact_email="" if user else contact_email.strip(),
        organisation=organisation,
        is_chair=is_chair,
    )


def _set_status(actor: Any, member: BodyMember, status: MemberStatus, reason: str) -> BodyMember:
    _require_manage(actor, member.territory)
    if member.user_id is not None and member.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot change your own membership."))
    member.status = status
    member.status_reason = reason.strip()[:300]
    member.status_changed_at = timezone.now()
    member.status_changed_by = actor
    member.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    return member


@transaction.atomic
def suspend_member(*, actor: Any, member: BodyMember, reason: str) -> BodyMember:
    """Suspension takes effect at once: the gate reads the status on every request."""
    if not reason.strip():
        raise ValidationError(_("A suspension needs a reason."))
    return _set_status(actor, member, MemberStatus.SUSPENDED, reason)


@transaction.atomic
def reinstate_member(*, actor: Any, member: BodyMember) -> BodyMember:
    return _set_status(actor, member, MemberStatus.ACTIVE, "")


@transaction.atomic
def publish_charter(*, actor: Any, body: Body, text: str) -> EthicsCharter:
    _require_manage(actor, body.territory)
    if not body.handles_cases:
        raise ValidationError(_("Only a body handling nominative cases has an ethics charter."))
    # Lock the body row so two publications cannot take the same version number.
    Body.objects.select_for_update().get(pk=body.pk)
    last = body.charters.aggregate(last=Max("version"))["last"] or 0
    return EthicsCharter.objects.create(
        territory=body.territory, body=body, version=last + 1, text=text.strip(), published_by=actor
    )


@transaction.atomic
def sign_charter(*, actor: Any, body: Body) -> CharterSignature:
    """The acting user signs the body's current charter, as an active member."""
    member = BodyMember.objects.filter(body=body, user=actor).first()
    if member is None or member.status != MemberStatus.ACTIVE:
        raise PermissionDenied(_("Only an active member of the body signs its charter."))
    charter = body.current_charter()
    if charter is None:
        raise ValidationError(_("This body has no charter to sign yet."))
    signature, _created = CharterSignature.objects.get_or_create(
        territory=body.territory, member=member, charter=charter
    )
    return signature


# --- Meetings ------------------------------------------------------------------------------


@transaction.atomic
def plan_meeting(*, actor: Any, body: Body, starts_at: Any, place: str) -> Meeting:
    _require_manage(actor, body.territory)
    return Meeting.objects.create(
        territory=body.territory, body=body, starts_at=starts_at, place=place.strip()
    )


@transaction.atomic
def cancel_meeting(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """A planned meeting is cancelled with its reason; the change history keeps who and when,
    and the members' calendars show it cancelled (the .ics keeps its UID)."""
    _require_manage(actor, meeting.territory)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the cancellation."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.save(update_fields=["status", "cancellation_reason"])
    return meeting


@transaction.atomic
def add_agenda_item(
    *, actor: Any, meeting: Meeting, title: str = "", case_number: str = ""
) -> AgendaItem:
    """An open item has a title; a confidential item is a case number and nothing else, so
    that no name can slip into the agenda."""
    _require_manage(actor, meeting.territory)
    if case_number and not meeting.body.handles_cases:
        raise ValidationError(_("Only a body handling nominative cases discusses cases."))
    check_free_text(actor, meeting.territory, title)
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    position = (meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1
    return AgendaItem.objects.create(
        territory=meeting.territory,
        meeting=meeting,
        position=position,
        title="" if case_number else title.strip(),
        is_confidential=bool(case_number),
        case_number=case_number,
    )


@transaction.atomic
def record_attendance(
    *, actor: Any, meeting: Meeting, presences: dict[BodyMember, str]
) -> list[Attendance]:
    _require_manage(actor, meeting.territory)
    recorded = []
    for member, presence in presences.items():
        if member.body_id != meeting.body_id:
            raise ValidationError(_("This person is not a member of this body."))
        attendance, _created = Attendance.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={"presence": presence, "territory": meeting.territory},
        )
        recorded.append(attendance)
    return recorded


def quorum(meeting: Meeting, *, active_members: int | None = None) -> dict[str, int | bool]:
    """Present or represented members against the body's active members: more than half."""
    expected = (
        active_members
        if active_members is not None
        else meeting.body.members.filter(status=MemberStatus.ACTIVE).count()
    )
    # Counted in Python: the meeting page has the attendances prefetched already.
    counted = sum(
        1
        for attendance in meeting.attendances.all()
        if attendance.presence in (Presence.PRESENT, Presence.REPRESENTED)
    )
    return {"counted": counted, "expected": expected, "reached": counted * 2 > expected}


@transaction.atomic
def record_decision(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    task_title: str = "",
    task_owner: User | None = None,
    task_due_on: Any = None,
) -> Decision:
    _require_manage(actor, meeting.territory)
    check_free_text(actor, meeting.territory, text, task_title)
    decision = Decision.objects.create(
        territory=meeting.territory, meeting=meeting, text=text.strip()
    )
    if task_title:
        if task_owner is None or task_due_on is None:
            raise ValidationError(_("A follow-up task needs a title, an owner and a due date."))
        if not task_owner.memberships.filter(territory=meeting.territory, is_active=True).exists():
            raise ValidationError(_("This person holds no role in this territory."))
        FollowUpTask.objects.create(
            territory=meeting.territory,
            decision=decision,
            title=task_title.strip(),
            owner=task_owner,
            due_on=task_due_on,
        )
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    return decision


@transaction.atomic
def set_task_status(*, actor: Any, task: FollowUpTask, status: TaskStatus) -> FollowUpTask:
    """The owner moves their own task on; the coordinator may move any."""
    if task.owner_id != getattr(actor, "pk", None) and not actor.has_perm(
        "governance.manage_bodies", task.territory
    ):
        raise PermissionDenied(_("Only the task's owner or the coordinator changes it."))
    task.status = status
    task.completed_at = timezone.now() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "completed_at"])
    return task


def invite_to_meeting(*, actor: Any, meeting: Meeting) -> int:
    """E-mail every active member (account or outside contact) an invitation with .ics."""
    from tranquillite.governance import tasks

    _require_manage(actor, meeting.territory)
    recipients = []
    for member in meeting.body.members.filter(status=MemberStatus.ACTIVE).select_related("user"):
        email = member.user.email if member.user else member.contact_email
        if email:
            recipients.append((email, member.display_name))

    def enqueue_all() -> None:
        for email, name in recipients:
            tasks.send_meeting_invitation.enqueue(meeting.pk, email, name)

    transaction.on_commit(enqueue_all)
    return len(recipients)


# Reminders go three days before the due date and the day after it (then it shows as late
# in "my tasks"): a daily job, no state to keep.
REMINDER_OFFSETS_DAYS = (3, -1)


def send_task_reminders(today: Any) -> int:
    from datetime import timedelta

    from tranquillite.governance import tasks

    due_dates = [today + timedelta(days=offset) for offset in REMINDER_OFFSETS_DAYS]
    by_owner: dict[int, list[int]] = {}
    for task_id, owner_id in FollowUpTask.objects.filter(
        due_on__in=due_dates,
        status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS],
        owner__is_active=True,
    ).values_list("pk", "owner_id"):
        by_owner.setdefault(owner_id, []).append(task_id)
    for owner_id, task_ids in by_owner.items():
        tasks.send_task_reminder.enqueue(owner_id, task_ids, today.isoformat())
    return len(by_owner)


@transaction.atomic
def calendar_feed_for(*, actor: Any, territory: Territory, renew: bool = False) -> Any:
    """The actor's private calendar feed in this territory (a new address if `renew`)."""
    from tranquillite.governance.models import CalendarFeed, _new_feed_token

    feed, created = CalendarFeed.objects.get_or_create(user=actor, territory=territory)
    if renew and not created:
        feed.token = _new_feed_token()
        feed.save(update_fields=["token"])
    return feed
