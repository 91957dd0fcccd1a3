"""Victim support — aide aux victimes: a victim is oriented to the victim-support association,
which follows them; the file records the orientation, the contacts and the outcome. The whole
workflow is in this file.

A victim's file stays apart from any offender's file, even when the two are linked
(FollowUpLink is seen only by whoever sees both ends), and belongs to the groupe Victimes.

    referred ──orient──► oriented ──record_contact──► oriented
        └───────────────────┴──close──► closed
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation, User
from tranquillite.followups.effects import assign, statistic
from tranquillite.followups.engine import Step, Workflow, register
from tranquillite.followups.models import FollowUpKind
from tranquillite.followups.workflows.common import (
    DatedStepForm,
    case_workers,
    choose_from,
    close_step,
    date_field,
    note_field,
)
from tranquillite.governance.models import BodyKind

REFERRED = "referred"
ORIENTED = "oriented"
CLOSED = "closed"
STATES = {
    REFERRED: _("Referred"),
    ORIENTED: _("Followed by the association"),
    CLOSED: _("Closed"),
}

SOURCES = (
    ("national_police", _("National police")),
    ("municipal_police", _("Municipal police")),
    ("hospital", _("Hospital")),
    ("school", _("School")),
    ("social_landlord", _("Social landlord")),
    ("mediator", _("Mediator")),
    ("victims_group", _("Groupe Victimes")),
    ("self", _("The person themselves")),
)
FACTS = (
    ("physical_violence", _("Physical violence")),
    ("domestic_violence", _("Domestic violence")),
    ("harassment", _("Harassment, including online")),
    ("theft", _("Theft or robbery")),
    ("damage", _("Damage to property")),
    ("other", _("Other")),
)
OUTCOMES = (
    ("supported", _("Supported to the end")),
    ("complaint_filed", _("Complaint filed with support")),
    ("oriented_elsewhere", _("Oriented to another service")),
    ("declined", _("Declined help")),
    ("unreachable", _("Could not be reached")),
)
CONTACTS = (
    ("interview", _("Interview")),
    ("legal_help", _("Legal information")),
    ("psychological_help", _("Psychological support")),
    ("accompanied", _("Accompanied to a procedure")),
)


class OrientForm(DatedStepForm):
    occurred_on = date_field(_("Oriented on"))
    association = forms.ModelChoiceField(
        label=_("Victim-support association"), queryset=Organisation.objects.none()
    )
    case_worker = forms.ModelChoiceField(label=_("Case worker"), queryset=User.objects.none())
    note = note_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(
            self,
            "association",
            Organisation.objects.filter(
                territory=self.follow_up.territory, kind="association", is_active=True
            ),
        )
        choose_from(self, "case_worker", case_workers(self.follow_up))


class ContactForm(DatedStepForm):
    occurred_on = date_field(_("Contact on"))
    contact = forms.ChoiceField(label=_("Contact"), choices=CONTACTS)
    note = note_field()


WORKFLOW = register(
    Workflow(
        kind=FollowUpKind.VICTIM_SUPPORT,
        states=STATES,
        initial=REFERRED,
        closed_states=frozenset({CLOSED}),
        sources=SOURCES,
        facts=FACTS,
        outcomes=OUTCOMES,
        min_age=0,
        max_age=24,
        body_kinds=frozenset({BodyKind.WORKING_GROUP}),
        steps=(
            Step(
                name="orient",
                label=_("Orient to the association"),
                sources=frozenset({REFERRED}),
                form=OrientForm,
                target=ORIENTED,
                effects=(assign("case_worker", to="case_worker"), statistic(support_started=True)),
            ),
            Step(
                name="record_contact",
                label=_("Record a contact"),
                sources=frozenset({ORIENTED}),
                form=ContactForm,
                target=ORIENTED,
            ),
            close_step(
                sources=frozenset({REFERRED, ORIENTED}),
                target=CLOSED,
                outcomes=OUTCOMES,
                completed=frozenset({"supported", "complaint_filed"}),
            ),
        ),
    )
)
