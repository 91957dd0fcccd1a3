"""Everything held about one person, for their access request (RGPD art. 15).

The data protection officer answers (RGPD art. 38–39): `collect(person)` gathers, from every
table that holds something about the person, what the family receives as a PDF and the
record keeps as JSON:

- the person's record, the records of duplicates merged into it, the legal guardians;
- each follow-up: kind, group, dates, state, closed-list answers, the timeline of its steps
  with their answers in plain words, deadlines, support actions, documents, restriction
  (RGPD art. 18) and the dates of the archive and of the destruction;
- the history of changes (corrections of the person and the guardians, restrictions of the
  files), from django-auditlog;
- who read these data: every access-log row about the person, the merged duplicates, the
  guardians, the follow-ups and their documents — who (name and organisation), when, what.

Not included, on purpose: links to other follow-ups (the other file is someone else's: a
victim's and an offender's files are linked; RGPD art. 15(4), the rights of others), and the
anonymous statistics (they are no longer about anyone).

The caller (retention/views.py) checks the right `followups.answer_access_requests` and logs
the export with its reason; nothing here checks or logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Membership, User
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.followups.engine import Workflow, workflow_for
from tranquillite.followups.models import CaseDocument, FollowUp
from tranquillite.followups.retention import destroy_on
from tranquillite.people.models import LegalGuardian, Person, PersonMerge

# Follow-up fields whose history matters to the person: restriction and its lifting.
RESTRICTION_FIELDS = ("restricted_at", "restriction_reason")


def absorbed_person_pks(public_ids: Iterable[UUID | str]) -> list[str]:
    """The former primary keys of duplicates merged away, found from their change history
    (the entry of their creation or deletion holds their public id): what "who changed this
    person" and the purge need to reach the absorbed records' history."""
    ids = [str(public_id) for public_id in public_ids]
    if not ids:
        return []
    return list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Person))
        .filter(Q(changes__public_id__0__in=ids) | Q(changes__public_id__1__in=ids))
        .values_list("object_pk", flat=True)
        .distinct()
    )


def records_of(person: Person) -> list[Any]:
    """Every record with a public id that the export shows (what the export is logged on)."""
    follow_ups = list(person.follow_ups.all())
    return [
        person,
        *person.guardians.all(),
        *follow_ups,
        *CaseDocument.objects.filter(follow_up__in=follow_ups),
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


class _Names:
    """Names of the records a step's answer points to (a user, an organisation), by the
    public id (or key) the timeline keeps; looked up once each."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], str] = {}

    def __call__(self, model: type[Any], value: Any) -> str:
        key = (model._meta.label_lower, str(value))
        if key not in self.known:
            lookup = {"pk": value} if str(value).isdigit() else {"public_id": value}
            try:
                record = model._default_manager.filter(**lookup).first()
            except (ValueError, TypeError, ValidationError):
                record = None
            if record is None:
                self.known[key] = ""
            elif isinstance(record, User):
                self.known[key] = _user_name(record)
            else:
                self.known[key] = str(record)
        return self.known[key]


def _display(field: forms.Field | None, value: Any, users: _Names) -> Any:
    """A step's stored answer (JSON) as the family should read it."""
    if isinstance(field, forms.ModelChoiceField):
        model = field.queryset.model  # type: ignore[union-attr]
        values = value if isinstance(value, list) else [value]
        return ", ".join(users(model, item) or _("a member of the team") for item in values)
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(key): str(label) for key, label in choices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value)
        return labels.get(str(value), str(value))
    if isinstance(field, forms.DateTimeField) and isinstance(value, str):
        try:
            return timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(field, forms.DateField) and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def _step_details(
    workflow: Workflow, step_name: str, data: dict[str, Any], users: _Names
) -> tuple[str, list[dict[str, Any]]]:
    if step_name == "refer":
        label = _("Referral")
        fields: dict[str, forms.Field] = {
            "source": forms.ChoiceField(label=_("Source"), choices=workflow.sources),
            "facts": forms.ChoiceField(label=_("Facts"), choices=workflow.facts),
        }
    else:
        try:
            step = workflow.step(step_name)
        except KeyError:
            return step_name, []
        label, fields = str(step.label), dict(step.form.base_fields)
    details = []
    for name, value in data.items():
        empty = value is None or value == "" or value == [] or value is False
        if empty and not isinstance(fields.get(name), forms.TypedChoiceField):
            continue
        if name == "occurred_on":  # the step's date, shown already
            continue
        field = fields.get(name)
        if field is None:
            continue  # an answer for the step's effects only, not something the form asked
        details.append(
            {
                "label": str(field.label) if field is not None and field.label else name,
                "value": _display(field, value, users),
            }
        )
    return label, details


def _history(
    model: type[Any], pks: Iterable[Any], *, fields: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Changes (django-auditlog) to these rows, oldest first; only those touching `fields`
    when given."""
    keys = [str(pk) for pk in pks]
    if not keys:
        return []
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk__in=keys
        )
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    actions = {
        LogEntry.Action.CREATE: _("Creation"),
        LogEntry.Action.UPDATE: _("Change"),
        LogEntry.Action.DELETE: _("Deletion"),
    }
    rows = []
    for entry in entries:
        changed = entry.changes_dict or {}
        if fields and not set(fields) & set(changed):
            continue
        if entry.action == LogEntry.Action.UPDATE:
            shown = [
                {
                    "field": str(name),
                    "before": "" if values[0] == "None" else _text(values[0]),
                    "after": "" if values[1] == "None" else _text(values[1]),
                }
                for name, values in entry.changes_display_dict.items()
                if isinstance(values, list | tuple) and len(values) == 2
            ]
        else:
            shown = []
        rows.append(
            {
                "at": entry.timestamp,
                "by": _user_name(entry.actor),
                "record": str(model._meta.verbose_name),
                "action": actions.get(entry.action, ""),
                "fields": shown,
            }
        )
    return rows


def _readers(territory_id: int, records: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """Who read these records: the access log, oldest first."""
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in records:
        by_type.setdefault(object_type, []).append(object_id)
    condition = Q()
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    entries = list(
        AccessLogEntry.objects.filter(territory_id=territory_id).filter(condition).order_by("id")
    )
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id}
    names = {user.pk: _user_name(user) for user in User.objects.filter(pk__in=actor_ids)}
    organisations: dict[int, str] = {}
    for membership in (
        Membership.objects.filter(territory_id=territory_id, user_id__in=actor_ids)
        .select_related("organisation")
        .order_by("-is_active", "created_at")
    ):
        organisations.setdefault(membership.user_id, membership.organisation.name)
    return [
        {
            "at": timezone.localtime(entry.at),
            "who": names.get(entry.actor_id or 0, "") or entry.actor_label,
            "email": entry.actor_label,
            "organisation": organisations.get(entry.actor_id or 0, ""),
            "action": str(AccessAction(entry.action).label)
            if entry.action in AccessAction.values
            else entry.action,
            "record": records.get((entry.object_type, entry.object_id), ""),
            "reason": entry.reason,
        }
        for entry in entries
    ]


def grouped_readers(readers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The "who read" rows for reading on paper: one line per person, action and minute, with
    the records it touched (an export writes one row per record)."""
    groups: list[dict[str, Any]] = []
    for reader in readers:
        key = (
            reader["who"],
            reader["organisation"],
            reader["action"],
            reader["at"].replace(second=0, microsecond=0),
        )
        if groups and groups[-1]["key"] == key:
            if reader["record"] not in groups[-1]["records"]:
                groups[-1]["records"].append(reader["record"])
            continue
        groups.append({**reader, "key": key, "records": [reader["record"]]})
    return groups


def file_summary(
    follow_up: FollowUp,
    *,
    users: _Names | None = None,
    guardian_names: dict[int, str] | None = None,
    records: dict[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """One follow-up in plain words (dates as dates): its facts, the timeline of its steps,
    deadlines, support actions and documents. What the access-request export shows for each
    file, and the printed summary of a file (views.follow_up_print). `records`, when given,
    receives what each record is for the "who read" list."""
    person = follow_up.person
    users = users or _Names()
    if guardian_names is None:
        guardian_names = {guardian.pk: str(guardian) for guardian in person.guardians.all()}
    records = {} if records is None else records
    workflow = workflow_for(follow_up.kind)
    records[("followups.followup", str(follow_up.public_id))] = _("File %(number)s") % {
        "number": follow_up.case_number
    }
    timeline = []
    # In the order the steps were taken; a step dated by a future appointment (a
    # summons) is shown on the day it was taken, the appointment among its details.
    for event in sorted(follow_up.events.all(), key=lambda e: (e.recorded_at, e.pk)):
        label, details = _step_details(workflow, event.step, event.data, users)
        timeline.append(
            {
                "date": event.occurred_on
                if "occurred_on" in event.data or event.step == "refer"
                else timezone.localdate(event.recorded_at),
                "step": label,
                "state": workflow.state_label(event.to_state),
                "details": details,
            }
        )
    documents = []
    for document in follow_up.documents.all():
        addressee = (
            guardian_names.get(document.guardian_id, "") if document.guardian_id else str(person)
        )
        records[("followups.casedocument", str(document.public_id))] = _(
            "Document of file %(number)s: %(kind)s (%(addressee)s)"
        ) % {
            "number": follow_up.case_number,
            "kind": document.get_kind_display(),
            "addressee": addressee,
        }
        documents.append(
            {
                "public_id": str(document.public_id),
                "kind": document.get_kind_display(),
                "created_at": timezone.localtime(document.created_at),
                "addressee": addressee,
                "mail_number": document.mail.number if document.mail else "",
            }
        )
    return {
        "public_id": str(follow_up.public_id),
        "case_number": follow_up.case_number,
        "kind": follow_up.get_kind_display(),
        "body": follow_up.body.name,
        "state": workflow.state_label(follow_up.state),
        "source": workflow.label_of(workflow.sources, follow_up.source),
        "facts": workflow.label_of(workflow.facts, follow_up.facts) if follow_up.facts else "",
        "facts_place": follow_up.facts_place,
        "summary": follow_up.summary,
        "opened_on": follow_up.opened_on,
        "closed_on": follow_up.closed_on,
        "outcome": workflow.label_of(workflow.outcomes, follow_up.outcome)
        if follow_up.outcome
        else "",
        "destroy_on": follow_up.destroy_on
        or destroy_on(birth_date=person.birth_date, closed_on=follow_up.closed_on),
        "archived": follow_up.is_archived,
        "restriction": {
            "since": timezone.localtime(follow_up.restricted_at),
            "reason": follow_up.restriction_reason,
        }
        if follow_up.restricted_at
        else None,
        "case_worker": _user_name(follow_up.case_worker),
        "presiding_official": _user_name(follow_up.presiding_official),
        "timeline": timeline,
        "deadlines": [
            {
                "kind": deadline.get_kind_display(),
                "due_on": deadline.due_on,
                "done_on": deadline.done_on,
            }
            for deadline in follow_up.deadlines.all()
        ],
        "support_actions": [
            {
                "for": action.get_beneficiary_display(),
                "action": action.get_kind_display(),
                "partner": action.partner.name if action.partner else "",
                "starts_on": action.starts_on,
                "ends_on": action.ends_on,
                "result": action.get_result_display(),
                "note": action.note,
            }
            for action in follow_up.actions.all()
        ],
        "documents": documents,
    }


def collect(
    person: Person,
    *,
    exported_by: Any,
    reason: str,
    other_records: dict[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """Everything held about `person`, as plain data (dates as date objects).
    `other_records`: records of other modules (community service) for "who read"."""
    guardians = list(LegalGuardian.objects.filter(person=person).order_by("pk"))
    merges = list(PersonMerge.objects.filter(survivor=person).order_by("merged_at"))
    follow_ups = list(
        FollowUp.objects.filter(person=person)
        .select_related("body", "person", "case_worker", "presiding_official")
        .prefetch_related("events", "deadlines", "actions__partner", "documents__mail")
        .order_by("opened_on", "pk")
    )
    users = _Names()
    guardian_names = {guardian.pk: str(guardian) for guardian in guardians}

    # What each record is, in the "who read" list.
    records: dict[tuple[str, str], str] = {
        ("people.person", str(person.public_id)): _("Your record"),
    }
    records.update(other_records or {})
    for merge in merges:
        records[("people.person", str(merge.absorbed_public_id))] = _(
            "A duplicate of your record, since merged into it"
        )
    for guardian in guardians:
        records[("people.legalguardian", str(guardian.public_id))] = _(
            "Legal guardian: %(name)s"
        ) % {"name": guardian}

    files = [
        file_summary(follow_up, users=users, guardian_names=guardian_names, records=records)
        for follow_up in follow_ups
    ]

    changes = sorted(
        [
            *_history(
                Person, [person.pk, *absorbed_person_pks(m.absorbed_public_id for m in merges)]
            ),
            *_history(LegalGuardian, [guardian.pk for guardian in guardians]),
            *_history(FollowUp, [f.pk for f in follow_ups], fields=RESTRICTION_FIELDS),
        ],
        key=lambda change: change["at"],
    )
    return {
        "generated_at": timezone.localtime(),
        "exported_by": _user_name(exported_by),
        "reason": reason,
        "territory": person.territory.council_name or person.territory.name,
        "person": {
            "public_id": str(person.public_id),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": person.birth_date,
            "sex": person.get_sex_display(),
            "address": person.address,
            "neighbourhood": person.neighbourhood.name if person.neighbourhood else "",
            "situation": person.get_situation_display(),
            "situation_place": person.situation_place,
            "recorded_on": timezone.localtime(person.created_at),
            "merged_records": [
                {"public_id": str(merge.absorbed_public_id), "merged_at": merge.merged_at}
                for merge in merges
            ],
        },
        "guardians": [
            {
                "public_id": str(guardian.public_id),
                "relationship": guardian.get_relationship_display(),
                "first_name": guardian.first_name,
                "last_name": guardian.last_name,
                "address": guardian.address,
                "phone": guardian.phone,
                "email": guardian.email,
                "has_parental_authority": guardian.has_parental_authority,
            }
            for guardian in guardians
        ],
        "follow_ups": files,
        "changes": changes,
        "readers": _readers(person.territory_id, records),
    }
