"""The monitoring cell's e-mail: who receives it and what it says.

Recipients are the active members of the territory's active monitoring cells (governance
bodies of kind `monitoring_cell`): a member with an account at his account's address (while
the account is active), an outside contact at the e-mail given. One message each (no one
sees the others' addresses). The message names no one: the event, the level, the
neighbourhoods, the time and a link to the alert (reading it needs signing in).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tranquillite.core.http import absolute_url
from tranquillite.core.models import Territory
from tranquillite.governance.models import BodyKind, BodyMember, MemberStatus
from tranquillite.tensions.models import TensionAlert


class Event(models.TextChoices):
    RAISED = "raised", gettext_lazy("Tension alert raised")
    LEVEL_CHANGED = "level_changed", gettext_lazy("Tension alert: level changed")
    LIFTED = "lifted", gettext_lazy("Tension alert lifted")


def cell_recipients(territory: Territory) -> list[str]:
    rows = BodyMember.objects.filter(
        territory=territory,
        status=MemberStatus.ACTIVE,
        body__kind=BodyKind.MONITORING_CELL,
        body__is_active=True,
    ).values_list("user__email", "user__is_active", "contact_email")
    emails: dict[str, None] = {}
    for user_email, user_active, contact_email in rows:
        if user_email and user_active:
            emails[user_email.lower()] = None
        elif user_email is None and contact_email:
            emails[contact_email.lower()] = None
    return sorted(emails)


def send_notice(alert_id: int, event: str) -> int:
    alert = (
        TensionAlert.objects.select_related("territory")
        .prefetch_related("neighbourhoods")
        .get(pk=alert_id)
    )
    recipients = cell_recipients(alert.territory)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        neighbourhoods = ", ".join(sorted(n.name for n in alert.neighbourhoods.all()))
        subject = _("[Tranquillité] %(event)s: %(level)s — %(neighbourhoods)s") % {
            "event": Event(event).label,
            "level": alert.get_level_display(),
            "neighbourhoods": neighbourhoods,
        }
        body = render_to_string(
            "tensions/email/notice.txt",
            {
                "alert": alert,
                "event": Event(event),
                "neighbourhoods": neighbourhoods,
                "url": absolute_url(reverse("tensions:detail", args=[alert.public_id])),
            },
        )
    for email in recipients:
        EmailMessage(subject=subject, body=body, to=[email]).send()
    return len(recipients)
