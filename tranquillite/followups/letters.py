"""The letters a follow-up's steps send: the summons of a reminder of the law (RAO) and the
convocation of the parents to the family council (CDDF).

`generate_summons` is the effect of the RAO's `summon` step: once the prosecutor agreed, one
letter signed by the mayor (or the deputy who presides the hearing, "pour le Maire et par
délégation") to the young person, and, for a minor, one to each legal guardian holding
parental authority (art. L132-7 CSI: the reminder of a minor takes place in the presence of
the parents). After a no-show, the same letters say it is a second summons.
`convene_parents` is the effect of the CDDF's `plan_session` step: one letter to each parent
(art. L141-1 CASF).

Each letter is numbered in the outgoing-mail register (which names no one: a role and the case
number), rendered as a PDF on the territory's letterhead with the families' information notice
as its last page (RGPD art. 13-14), and filed in the case as a `CaseDocument`.

The engine runs effects inside the step's transaction: a refusal here (a minor with no legal
guardian) undoes the whole step, register numbers included. The refusal comes before anything
is numbered or written; PDFs already written to storage are removed if a later letter fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tranquillite.followups import retention
from tranquillite.followups.engine import StepContext
from tranquillite.followups.models import CaseDocument, DocumentKind, FollowUp
from tranquillite.letters.rendering import (
    Signature,
    letter_language,
    letterhead,
    mayor_of,
    render_pdf,
    signature_for,
)
from tranquillite.letters.services import register_mail
from tranquillite.people.models import GuardianRelationship, LegalGuardian, Person, Sex

# The RAO's state after a no-show (workflows/law_reminder.py, which imports this module).
NO_SHOW = "no_show"
ADULT_AGE = 18


@dataclass(frozen=True)
class Addressee:
    """Who a letter goes to. `role` is all the register keeps; the letter itself names the
    addressee (it is filed in the case and leaves the platform only printed)."""

    role: str
    civility: str
    salutation: str
    first_name: str
    last_name: str
    address_lines: list[str] = field(default_factory=list)
    care_of: str = ""
    guardian: LegalGuardian | None = None

    @property
    def display_name(self) -> str:
        return " ".join(
            part for part in (self.civility, self.first_name, self.last_name.upper()) if part
        )


def address_lines(address: str) -> list[str]:
    """'12 rue des Lilas, 93500 Pantin' → two lines, as an envelope shows them."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    return lines


def _civility(sex: str) -> tuple[str, str]:
    if sex == Sex.MALE:
        return pgettext("addressee", "Mr"), pgettext("salutation", "Sir")
    if sex == Sex.FEMALE:
        return pgettext("addressee", "Ms"), pgettext("salutation", "Madam")
    return "", pgettext("salutation", "Madam, Sir")


def person_addressee(person: Person) -> Addressee:
    civility, salutation = _civility(person.sex)
    lines = address_lines(person.address)
    return Addressee(
        role=_("The person summoned"),
        civility=civility,
        salutation=salutation,
        first_name=person.first_name,
        last_name=person.last_name,
        address_lines=lines,
        care_of="" if lines else _("To be handed over in person by the prevention service"),
    )


def guardian_addressee(guardian: LegalGuardian, person: Person) -> Addressee:
    sex = {
        GuardianRelationship.MOTHER: Sex.FEMALE,
        GuardianRelationship.FATHER: Sex.MALE,
    }.get(guardian.relationship, Sex.UNKNOWN)  # type: ignore[call-overload]
    civility, salutation = _civility(sex)
    lines, care_of = address_lines(guardian.address), ""
    if not lines:
        # No address of his own: the letter goes to the child's home, "aux bons soins" of the
        # child, or is handed over in person.
        lines = address_lines(person.address)
        care_of = (
            _("Care of %(name)s") % {"name": f"{person.first_name} {person.last_name.upper()}"}
            if lines
            else _("To be handed over in person by the prevention service")
        )
    return Addressee(
        role=_("Legal guardian (%(relationship)s)")
        % {"relationship": guardian.get_relationship_display().lower()},
        civility=civility,
        salutation=salutation,
        first_name=guardian.first_name,
        last_name=guardian.last_name,
        address_lines=lines,
        care_of=care_of,
        guardian=guardian,
    )


def guardians_for_letters(follow_up: FollowUp, *, missing: str) -> list[LegalGuardian]:
    """The legal guardians holding parental authority; none is a refusal (`missing`)."""
    guardians = list(follow_up.person.guardians.filter(has_parental_authority=True))
    if not guardians:
        raise ValidationError(missing)
    return guardians


def is_minor(person: Person, on: date) -> bool:
    return retention.age_on(person.birth_date, on) < ADULT_AGE


def when_text(moment: datetime) -> dict[str, str]:
    """'mardi 15 décembre 2026' and '14 h 30', in the letter's language."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return {
        "day": formats.date_format(local, "l j F Y"),
        "time": _("%(hour)s:%(minute)s") % {"hour": f"{local:%H}", "minute": f"{local:%M}"},
    }


def _previous_hearing(follow_up: FollowUp, current_event_id: int) -> dict[str, str] | None:
    """The hearing the young person did not come to (the last summons before this one)."""
    earlier = (
        follow_up.events.filter(step="summon").exclude(pk=current_event_id).order_by("-pk").first()
    )
    value = earlier.data.get("hearing_at") if earlier else None
    if not value:
        return None
    return when_text(datetime.fromisoformat(value))


@dataclass(frozen=True)
class Letter:
    addressee: Addressee
    template: str
    kind: str


def send_letters(
    context: StepContext,
    *,
    subject: str,
    letters: Sequence[Letter],
    signature: Signature,
    extra: dict[str, Any],
) -> list[CaseDocument]:
    """Number, render and file each letter. Files written before a failure are removed (the
    step's transaction undoes the rows)."""
    follow_up, actor = context.follow_up, context.actor
    territory = follow_up.territory
    today = timezone.localdate()
    common = {
        **letterhead(territory),
        **extra,
        "language": letter_language(),
        "follow_up": follow_up,
        "person": follow_up.person,
        "subject": subject,
        "signature": signature,
        "today": formats.date_format(today, "j F Y"),
        "followed_by": actor.get_full_name(),
        # A phone number never breaks across two lines.
        "contact_phone": (getattr(actor, "phone", "") or territory.phone).replace(" ", "\u00a0"),
    }
    storage = CaseDocument._meta.get_field("file").storage
    written: list[str] = []
    documents: list[CaseDocument] = []
    try:
        for letter in letters:
            mail = register_mail(
                actor=actor,
                territory=territory,
                sent_on=today,
                subject=subject,
                reference=follow_up.case_number,
                addressee=letter.addressee.role,
            )
            pdf = render_pdf(
                letter.template, {**common, "addressee": letter.addressee, "mail": mail}
            )
            document = CaseDocument(
                territory=territory,
                follow_up=follow_up,
                kind=letter.kind,
                guardian=letter.addressee.guardian,
                mail=mail,
                created_by=actor,
            )
            document.file.save(f"courrier-{mail.number}.pdf", ContentFile(pdf), save=False)
            written.append(str(document.file.name))
            document.save()
            documents.append(document)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return documents


def generate_summons(context: StepContext) -> None:
    """The RAO's `summon` step: the letters to the young person and to each legal guardian."""
    follow_up = context.follow_up
    person = follow_up.person
    second = context.event.from_state == NO_SHOW
    with translation.override(letter_language()):
        minor = is_minor(person, timezone.localdate())
        guardians = (
            guardians_for_letters(
                follow_up,
                missing=_(
                    "A minor is summoned with his or her parents: add at least one legal "
                    "guardian holding parental authority to the file before summoning."
                ),
            )
            if minor
            else []
        )
        kind = DocumentKind.SECOND_SUMMONS if second else DocumentKind.SUMMONS
        prefix = "letters/second_summons" if second else "letters/summons"
        letters = [Letter(person_addressee(person), f"{prefix}_minor.html", kind)]
        letters += [
            Letter(guardian_addressee(guardian, person), f"{prefix}_guardian.html", kind)
            for guardian in guardians
        ]
        official = context.data.get("presiding_official") or follow_up.presiding_official
        send_letters(
            context,
            subject=_("Second summons — reminder of the law")
            if second
            else _("Summons — reminder of the law"),
            letters=letters,
            signature=signature_for(official, follow_up.territory),
            extra={
                "notice_kind": "law_reminder",
                "second": second,
                "is_minor": minor,
                "hearing": when_text(context.data["hearing_at"]),
                "place": context.data["place"],
                "presiding": signature_for(official, follow_up.territory),
                "previous_hearing": _previous_hearing(follow_up, context.event.pk)
                if second
                else None,
            },
        )


def convene_parents(context: StepContext) -> None:
    """The CDDF's `plan_session` step: the convocation of each parent to the session."""
    follow_up = context.follow_up
    with translation.override(letter_language()):
        guardians = guardians_for_letters(
            follow_up,
            missing=_(
                "The family council hears the parents: add at least one legal guardian "
                "holding parental authority to the file before planning the session."
            ),
        )
        official = follow_up.presiding_official or mayor_of(follow_up.territory)
        send_letters(
            context,
            subject=_("Convocation — family council"),
            letters=[
                Letter(
                    guardian_addressee(guardian, follow_up.person),
                    "letters/family_council_convocation.html",
                    DocumentKind.SUMMONS,
                )
                for guardian in guardians
            ],
            signature=signature_for(official, follow_up.territory),
            extra={
                "notice_kind": "family_council",
                "is_minor": True,
                "hearing": when_text(context.data["session_at"]),
                "place": context.data["place"],
            },
        )
