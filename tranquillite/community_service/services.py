"""Every write of community service. Each takes the acting user (`actor=`), checks his right
and that he may see the placement, raises `ValidationError` with a French sentence for a
business rule, and runs in one transaction: a refusal leaves nothing behind. The probation
notice leaves after commit, through the task worker."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation
from tranquillite.community_service import retention, shadows, states, tasks, timesheets
from tranquillite.community_service.models import (
    CURRENT_STATES,
    MANUAL_MEANS,
    MAX_HOURS,
    MIN_HOURS,
    PROBATION_KINDS,
    InterruptionReason,
    Occurrence,
    OccurrenceNotice,
    Placement,
    PlacementEvent,
    PlacementState,
    Post,
    PostStatusChange,
    SessionCorrection,
    WorkSession,
)
from tranquillite.core.models import Territory
from tranquillite.people.models import Person

MANAGE = "community_service.manage"
RECORD = "community_service.record_sessions"
# Art. 131-8 and 131-22 code pénal, art. L121-1 code de la justice pénale des mineurs: community
# service is open from 16.
MIN_AGE = 16
ADULT_AGE = 18


def check_right(actor: Any, right: str, territory: Territory) -> None:
    if not actor.has_perm(right, territory):
        raise PermissionDenied(right)


def check_visible(actor: Any, placement: Placement) -> None:
    if not Placement.objects.visible_to(actor).filter(pk=placement.pk).exists():
        raise PermissionDenied("community_service.placement")


age_on = shadows.age_on


# --- Posts -----------------------------------------------------------------------------------


def _check_post(post: Post) -> None:
    if post.service.territory_id != post.territory_id:
        raise PermissionDenied("accounts.organisation")
    if not post.days:
        raise ValidationError(_("Choose at least one day of the week."))
    if post.ends_at <= post.starts_at:
        raise ValidationError(_("The usual end must come after the usual start."))
    post.full_clean(exclude=["territory", "service", "neighbourhood"])


@transaction.atomic
def save_post(
    *, actor: Any, territory: Territory, post: Post | None, supervisors: Any, **fields: Any
) -> Post:
    """Create a post (post=None) or change one. Supervisors are users holding the supervisor
    role in the territory (the form offers only them)."""
    check_right(actor, MANAGE, territory)
    creating = post is None
    post = post or Post(territory=territory)
    for name, value in fields.items():
        setattr(post, name, value)
    _check_post(post)
    if not creating and post.capacity < post.placements.filter(state__in=CURRENT_STATES).count():
        raise ValidationError(
            _("The post hosts more people than this capacity: end a placement first.")
        )
    post.save()
    post.supervisors.set(supervisors)
    if creating:
        PostStatusChange.objects.create(
            territory=territory, post=post, is_open=post.is_open, changed_by=actor
        )
    return post


@transaction.atomic
def set_post_open(*, actor: Any, post: Post, is_open: bool, reason: str) -> Post:
    check_right(actor, MANAGE, post.territory)
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.is_open == is_open:
        return post
    if not is_open and not reason.strip():
        raise ValidationError(_("Say why the post closes."))
    post.is_open = is_open
    post.save(update_fields=["is_open"])
    PostStatusChange.objects.create(
        territory=post.territory,
        post=post,
        is_open=is_open,
        reason=reason.strip()[:300],
        changed_by=actor,
    )
    return post


def places_taken(post: Post) -> int:
    return post.placements.filter(state__in=CURRENT_STATES).count()


# --- Placements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementTerms:
    """What the coordinator records when he opens a placement (no offence: see models)."""

    post: Post
    probation_service: Organisation
    probation_officer: Any
    officer_name: str
    officer_email: str
    probation_reference: str
    hours_ordered: int
    sentence_date: date
    deadline: date | None
    deadline_reason: str
    planned_days: list[int]
    planned_start: time
    planned_end: time
    planned_break_minutes: int


def _next_case_number(territory: Territory, year: int) -> str:
    prefix = f"TIG-{year}-"
    numbers = Placement.objects.filter(
        territory=territory, case_number__startswith=prefix
    ).values_list("case_number", flat=True)
    last = max((int(number.rsplit("-", 1)[1]) for number in numbers), default=0)
    return f"{prefix}{last + 1:04d}"


def _check_terms(territory: Territory, person: Person, terms: PlacementTerms, today: date) -> date:
    """The rules of opening a placement; returns the deadline."""
    post = terms.post
    if post.territory_id != territory.pk or terms.probation_service.territory_id != territory.pk:
        raise PermissionDenied("community_service.post")
    if person.territory_id != territory.pk:
        raise PermissionDenied("people.person")
    if terms.probation_service.kind not in PROBATION_KINDS:
        raise ValidationError(_("Choose a probation service (SPIP) or a youth-justice service."))
    if not post.is_open:
        raise ValidationError(_("This post is closed: choose an open post."))
    if not MIN_HOURS <= terms.hours_ordered <= MAX_HOURS:
        raise ValidationError(
            _("The hours ordered must be between 20 and 400 (art. 131-8 code pénal).")
        )
    if terms.sentence_date > today:
        raise ValidationError(_("The sentence date is in the future."))
    age = age_on(person.birth_date, today)
    if age < MIN_AGE:
        raise ValidationError(_("Community service is open from 16 years of age."))
    if age < ADULT_AGE and not post.minors_accepted:
        raise ValidationError(_("This post does not accept minors."))
    if not terms.planned_days:
        raise ValidationError(_("Choose at least one day for the planned sessions."))
    if (
        timesheets.planned_minutes_per_session(
            terms.planned_start, terms.planned_end, terms.planned_break_minutes
        )
        <= 0
    ):
        raise ValidationError(_("The planned sessions give no hour: check the times and break."))
    default = timesheets.default_deadline(terms.sentence_date)
    deadline = terms.deadline or default
    if deadline <= terms.sentence_date:
        raise ValidationError(_("The deadline must come after the sentence date."))
    if deadline != default and not terms.deadline_reason.strip():
        raise ValidationError(_("The deadline differs from 18 months after the sentence: say why."))
    if places_taken(post) >= post.capacity:
        raise ValidationError(
            _("This post is full (%(capacity)s places taken): choose another post.")
            % {"capacity": post.capacity}
        )
    return deadline


# How many times a proposal takes the next case number again when another proposal took the
# same number at the same moment (a unique-constraint collision).
NUMBERING_ATTEMPTS = 5


def _save_numbered(placement: Placement, year: int) -> None:
    """Save a new placement under the next free case number of its territory. Only a
    collision on the case number is retried (another proposal of the same second took it);
    any other integrity error is a refusal in French, never a crash: the outer transaction
    then rolls everything back (a new person included)."""
    for _attempt in range(NUMBERING_ATTEMPTS):
        placement.case_number = _next_case_number(placement.territory, year)
        try:
            with transaction.atomic():
                placement.save(force_insert=True)
        except IntegrityError as error:
            placement.pk = None
            taken = Placement.objects.filter(
                territory=placement.territory, case_number=placement.case_number
            ).exists()
            if not taken:
                raise ValidationError(
                    _("The placement could not be saved: check its details and try again.")
                ) from error
            continue
        return
    raise ValidationError(
        _("Many placements are being opened at this moment: please try again in a moment.")
    )


@transaction.atomic
def propose_placement(
    *,
    actor: Any,
    territory: Territory,
    person: Person | None,
    terms: PlacementTerms,
    new_person: dict[str, Any] | None = None,
) -> Placement:
    """The probation service's proposal, recorded by the coordinator: state "proposed". The
    post's place is held from now (availability counts it). The person is one of the shared
    registry (`person`), or a new record made in the same transaction (`new_person`: first
    and last name, birth date, sex) — the view has shown the possible duplicates first."""
    check_right(actor, MANAGE, territory)
    if person is None:
        if not new_person:
            raise ValidationError(_("Choose the person, or give a new person's details."))
        person = Person(
            territory=territory,
            first_name=new_person["first_name"].strip(),
            last_name=new_person["last_name"].strip(),
            birth_date=new_person["birth_date"],
            sex=new_person["sex"],
            created_by=actor,
        )
        person.full_clean(exclude=["territory", "created_by", "name_key"])
    elif not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("people.person")
    # One at a time per post: two proposals cannot both take its last place.
    terms = replace(terms, post=Post.objects.select_for_update().get(pk=terms.post.pk))
    today = timezone.localdate()
    deadline = _check_terms(territory, person, terms, today)
    if person.pk is None:
        person.save()
    placement = Placement(
        territory=territory,
        person=person,
        post=terms.post,
        probation_service=terms.probation_service,
        probation_officer=terms.probation_officer,
        officer_name=terms.officer_name.strip(),
        officer_email=terms.officer_email.strip(),
        probation_reference=terms.probation_reference.strip(),
        hours_ordered=terms.hours_ordered,
        sentence_date=terms.sentence_date,
        deadline=deadline,
        deadline_reason=terms.deadline_reason.strip()[:300],
        planned_days=sorted(set(terms.planned_days)),
        planned_start=terms.planned_start,
        planned_end=terms.planned_end,
        planned_break_minutes=terms.planned_break_minutes,
        created_by=actor,
    )
    _save_numbered(placement, today.year)
    shadows.create_shadow(placement, today)
    PlacementEvent.objects.create(
        territory=territory,
        placement=placement,
        to_state=PlacementState.PROPOSED,
        occurred_on=today,
        recorded_by=actor,
    )
    return placement


@transaction.atomic
def record_start_details(
    *,
    actor: Any,
    placement: Placement,
    agreement_on: date | None,
    first_interview_on: date | None,
    deadline: date,
    deadline_reason: str,
) -> Placement:
    """The person's agreement, the first interview, and a change of the deadline (with its
    reason when it is not 18 months after the sentence)."""
    check_right(actor, MANAGE, placement.territory)
    check_visible(actor, placement)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.is_closed:
        raise ValidationError(_("This placement is closed: it can no longer change."))
    today = timezone.localdate()
    for day in (agreement_on, first_interview_on):
        if day is not None and day > today:
            raise ValidationError(_("This date is in the future."))
    default = timesheets.default_deadline(placement.sentence_date)
    if deadline <= placement.sentence_date:
        raise ValidationError(_("The deadline must come after the sentence date."))
    if deadline != default and not deadline_reason.strip():
        raise ValidationError(_("The deadline differs from 18 months after the sentence: say why."))
    placement.agreement_on = agreement_on
    placement.first_interview_on = first_interview_on
    placement.deadline = deadline
    placement.deadline_reason = deadline_reason.strip()[:300] if deadline != default else ""
    placement.save(
        update_fields=["agreement_on", "first_interview_on", "deadline", "deadline_reason"]
    )
    return placement


def done_minutes(placement: Placement, *, validated_only: bool = False) -> int:
    sessions = placement.sessions.filter(ends_at__isnull=False)
    if validated_only:
        sessions = sessions.filter(validated_at__isnull=False)
    return int(sessions.aggregate(total=Sum("minutes"))["total"] or 0)


def _guard(placement: Placement, target: str, occurred_on: date, reason: str) -> None:
    """What each move needs, beyond being allowed from the current state."""
    if target == PlacementState.ACTIVE and placement.state == PlacementState.PROPOSED:
        if placement.agreement_on is None or placement.first_interview_on is None:
            raise ValidationError(
                _("Record the person's agreement and the first interview before the start.")
            )
        if not placement.post.is_open:
            raise ValidationError(_("This post is closed: the placement cannot start."))
    if target == PlacementState.COMPLETED:
        if placement.sessions.filter(ends_at__isnull=True).exists():
            raise ValidationError(_("A session is still open: close it first."))
        if placement.sessions.filter(validated_at__isnull=True).exists():
            raise ValidationError(_("Some sessions are not validated by the supervisor yet."))
        if done_minutes(placement, validated_only=True) < placement.hours_ordered * 60:
            raise ValidationError(
                _("The hours done do not reach the hours ordered: the placement is not complete.")
            )
    if target == PlacementState.INTERRUPTED and reason not in InterruptionReason.values:
        raise ValidationError(_("Choose the reason for the interruption."))
    if occurred_on > timezone.localdate():
        raise ValidationError(_("This date is in the future."))


@transaction.atomic
def change_state(
    *,
    actor: Any,
    placement: Placement,
    target: str,
    occurred_on: date,
    reason: str = "",
    note: str = "",
) -> Placement:
    """Move a placement to `target` (community_service/states.py), with who and when."""
    check_right(actor, MANAGE, placement.territory)
    check_visible(actor, placement)
    placement = Placement.objects.select_for_update().select_related("post").get(pk=placement.pk)
    move = states.move_to(target)
    if move is None or placement.state not in move.sources:
        raise ValidationError(
            _("This change is not possible: the placement is “%(state)s”.")
            % {"state": placement.get_state_display()}
        )
    _guard(placement, target, occurred_on, reason)
    event = PlacementEvent.objects.create(
        territory=placement.territory,
        placement=placement,
        from_state=placement.state,
        to_state=target,
        occurred_on=occurred_on,
        note=note.strip()[:300],
        recorded_by=actor,
    )
    placement.state = target
    fields = ["state"]
    if target == PlacementState.ACTIVE and placement.started_on is None:
        placement.started_on = occurred_on
        fields.append("started_on")
    if target == PlacementState.INTERRUPTED:
        placement.interruption_reason = reason
        fields.append("interruption_reason")
    if target in (PlacementState.COMPLETED, PlacementState.INTERRUPTED):
        placement.ended_on = event.occurred_on
        placement.destroy_on = retention.destroy_on(event.occurred_on)
        fields += ["ended_on", "destroy_on"]
    placement.save(update_fields=fields)
    shadows.sync_state(placement)
    return placement


def placement_pace(placement: Placement, today: date, done: int | None = None) -> timesheets.Pace:
    return timesheets.pace(
        ordered_hours=placement.hours_ordered,
        done_minutes=done_minutes(placement) if done is None else done,
        weekdays=placement.planned_days,
        minutes_per_session=timesheets.planned_minutes_per_session(
            placement.planned_start, placement.planned_end, placement.planned_break_minutes
        ),
        today=today,
        deadline=placement.deadline,
    )


# --- Sessions --------------------------------------------------------------------------------


def _may_record(actor: Any, placement: Placement) -> None:
    check_right(actor, RECORD, placement.territory)
    check_visible(actor, placement)


def _check_session(
    placement: Placement,
    starts_at: datetime,
    ends_at: datetime | None,
    break_minutes: int,
    *,
    exclude: WorkSession | None = None,
) -> int:
    """Item 9 of the issue: each refusal in French, nothing saved. Returns minutes worked."""
    if placement.state != PlacementState.ACTIVE:
        raise ValidationError(
            _("Sessions are recorded only for an active placement (this one is “%(state)s”).")
            % {"state": placement.get_state_display()}
        )
    if not placement.post.is_open:
        raise ValidationError(_("This post is closed: no session can be recorded on it."))
    local_start = timezone.localtime(starts_at)
    if local_start.date() > placement.deadline:
        raise ValidationError(
            _("The deadline (%(deadline)s) has passed: no session can be recorded after it.")
            % {"deadline": placement.deadline.strftime("%d/%m/%Y")}
        )
    if starts_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("This session starts in the future."))
    minutes = 0
    if ends_at is not None:
        if ends_at <= starts_at:
            raise ValidationError(
                _(
                    "The session ends before it starts. For a session past midnight, tick "
                    "“ends the next day”."
                )
            )
        if timesheets.elapsed_minutes(starts_at, ends_at) > 16 * 60:
            raise ValidationError(_("A session cannot last more than 16 hours."))
        if break_minutes and break_minutes >= timesheets.elapsed_minutes(starts_at, ends_at):
            raise ValidationError(_("The break is as long as the session."))
        minutes = timesheets.worked_minutes(starts_at, ends_at, break_minutes)
    others = placement.sessions.all()
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    end = ends_at or starts_at
    overlapping = others.filter(starts_at__lt=end).filter(
        # An open session overlaps whatever starts after its arrival.
        Q(ends_at__gt=starts_at) | Q(ends_at__isnull=True)
    )
    if overlapping.exists():
        raise ValidationError(_("This session overlaps another session of the same placement."))
    return minutes


def _replayed[M: (WorkSession, Occurrence)](
    rows: QuerySet[M], placement: Placement, token: uuid.UUID
) -> M | None:
    """The row a first sending of the same form made (idempotent writes), if any. A token of
    another placement is a forgery: refused."""
    existing = rows.filter(territory=placement.territory, client_token=token).first()
    if existing is not None and existing.placement_id != placement.pk:
        raise PermissionDenied("community_service.token")
    return existing


@dataclass(frozen=True)
class SessionTimes:
    day: date
    start: time
    end: time | None
    overnight: bool = False
    break_minutes: int = 0
    tasks: str = ""

    def bounds(self) -> tuple[datetime, datetime | None]:
        if self.end is None:
            return timesheets.local_datetime(self.day, self.start), None
        return timesheets.session_bounds(self.day, self.start, self.end, overnight=self.overnight)


@transaction.atomic
def record_session(
    *, actor: Any, placement: Placement, token: uuid.UUID, times: SessionTimes
) -> tuple[WorkSession, bool]:
    """Record a session (closed when `times.end` is given, open otherwise). The same form
    sent twice (same `token`) returns the first session and creates nothing."""
    existing = _replayed(WorkSession.objects.all(), placement, token)
    if existing is not None:
        return existing, False
    _may_record(actor, placement)
    placement = Placement.objects.select_for_update().select_related("post").get(pk=placement.pk)
    starts_at, ends_at = times.bounds()
    minutes = _check_session(placement, starts_at, ends_at, times.break_minutes)
    try:
        with transaction.atomic():
            session = WorkSession.objects.create(
                territory=placement.territory,
                placement=placement,
                day=times.day,
                starts_at=starts_at,
                ends_at=ends_at,
                break_minutes=times.break_minutes,
                minutes=minutes,
                tasks=times.tasks.strip()[:300],
                client_token=token,
                recorded_by=actor,
            )
    except IntegrityError:
        # The same token raced in from a second request: the first one won.
        return WorkSession.objects.get(territory=placement.territory, client_token=token), False
    if ends_at is not None:
        shadows.sync_hours(placement)
    return session, True


@transaction.atomic
def close_session(
    *, actor: Any, session: WorkSession, ends_at: datetime, break_minutes: int, tasks: str
) -> WorkSession:
    """The departure of an open session (one tap on the supervisor's day). Closing an already
    closed session (a resend) changes nothing."""
    _may_record(actor, session.placement)
    session = (
        WorkSession.objects.select_for_update().select_related("placement__post").get(pk=session.pk)
    )
    if session.ends_at is not None:
        return session
    session.minutes = _check_session(
        session.placement, session.starts_at, ends_at, break_minutes, exclude=session
    )
    session.ends_at = ends_at
    session.break_minutes = break_minutes
    session.tasks = tasks.strip()[:300]
    session.save(update_fields=["ends_at", "break_minutes", "minutes", "tasks"])
    shadows.sync_hours(session.placement)
    return session


@transaction.atomic
def validate_session(*, actor: Any, session: WorkSession) -> WorkSession:
    _may_record(actor, session.placement)
    session = WorkSession.objects.select_for_update().get(pk=session.pk)
    if session.ends_at is None:
        raise ValidationError(_("An open session cannot be validated: close it first."))
    if session.validated_at is None:
        session.validated_at = timezone.now()
        session.validated_by = actor
        session.save(update_fields=["validated_at", "validated_by"])
    return session


def _snapshot(session: WorkSession) -> dict[str, Any]:
    return {
        "day": session.day.isoformat(),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat() if session.ends_at else None,
        "break_minutes": session.break_minutes,
        "minutes": session.minutes,
        "tasks": session.tasks,
        "validated_at": session.validated_at.isoformat() if session.validated_at else None,
    }


@transaction.atomic
def correct_session(
    *, actor: Any, session: WorkSession, times: SessionTimes, reason: str
) -> WorkSession:
    """A correction keeps the previous values, who changed them and why; the corrected
    session must be validated again."""
    _may_record(actor, session.placement)
    if not reason.strip():
        raise ValidationError(_("Say why the session is corrected."))
    session = (
        WorkSession.objects.select_for_update().select_related("placement__post").get(pk=session.pk)
    )
    starts_at, ends_at = times.bounds()
    if ends_at is None:
        raise ValidationError(_("Give the time of departure."))
    minutes = _check_session(
        session.placement, starts_at, ends_at, times.break_minutes, exclude=session
    )
    SessionCorrection.objects.create(
        territory=session.territory,
        session=session,
        previous=_snapshot(session),
        reason=reason.strip()[:300],
        corrected_by=actor,
    )
    session.day = times.day
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.break_minutes = times.break_minutes
    session.minutes = minutes
    session.tasks = times.tasks.strip()[:300]
    session.validated_at = None
    session.validated_by = None
    session.save()
    shadows.sync_hours(session.placement)
    return session


# --- Absences, lateness, incidents ---------------------------------------------------------


@transaction.atomic
def record_occurrence(
    *, actor: Any, placement: Placement, token: uuid.UUID, kind: str, day: date, note: str
) -> tuple[Occurrence, bool]:
    """An absence, a lateness or an incident. The probation officer is told by e-mail the
    same day, by the platform itself, after commit (community_service/tasks.py); the e-mail
    names no one. A resend (same token) creates nothing and sends nothing."""
    existing = _replayed(Occurrence.objects.all(), placement, token)
    if existing is not None:
        return existing, False
    _may_record(actor, placement)
    if placement.state not in (PlacementState.ACTIVE, PlacementState.SUSPENDED):
        raise ValidationError(_("This placement is not under way."))
    if day > timezone.localdate():
        raise ValidationError(_("This date is in the future."))
    occurrence = Occurrence.objects.create(
        territory=placement.territory,
        placement=placement,
        kind=kind,
        day=day,
        note=note.strip()[:300],
        client_token=token,
        recorded_by=actor,
    )
    transaction.on_commit(lambda: tasks.send_probation_notice.enqueue(occurrence.pk))
    return occurrence, True


@transaction.atomic
def record_notice(
    *, actor: Any, occurrence: Occurrence, means: str, informed_on: date
) -> OccurrenceNotice:
    """The probation officer was told by phone, by letter or by an e-mail of one's own (art.
    131-22 code pénal: the host reports to the probation service), next to the platform's
    e-mail. The first way he was told also marks the occurrence informed."""
    _may_record(actor, occurrence.placement)
    if means not in MANUAL_MEANS:
        raise ValidationError(_("Choose how the probation officer was informed."))
    if informed_on > timezone.localdate():
        raise ValidationError(_("This date is in the future."))
    if informed_on < occurrence.day:
        raise ValidationError(
            _("The probation officer cannot have been informed before the day it happened.")
        )
    notice = OccurrenceNotice.objects.create(
        territory=occurrence.territory,
        occurrence=occurrence,
        means=means,
        informed_on=informed_on,
        recorded_by=actor,
    )
    informed_at = timezone.make_aware(datetime.combine(informed_on, time(12, 0)))
    Occurrence.objects.filter(pk=occurrence.pk, informed_at__isnull=True).update(
        informed_at=informed_at, informed_by=means
    )
    return notice
