"""Background work of accounts: e-mails leave through the task worker, never in the request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tranquillite.accounts.invitations import invitation_url
from tranquillite.accounts.models import User
from tranquillite.core.models import Territory


@task()
def send_invitation(user_id: int, territory_id: int, invited_by_id: int | None) -> None:
    user = User.objects.get(pk=user_id)
    territory = Territory.objects.get(pk=territory_id)
    invited_by = User.objects.filter(pk=invited_by_id).first() if invited_by_id else None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "territory": territory,
            "invited_by": invited_by,
            "url": invitation_url(user),
        }
        send_mail(
            subject=_("[Tranquillité] Your invitation to %(council)s")
            % {"council": territory.council_name},
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
