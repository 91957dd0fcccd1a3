"""Official letters as PDF on the territory's letterhead (WeasyPrint).

A letter is one HTML template extending `letters/letter_base.html` (letterhead, sender and
addressee blocks, references, signature, the footer with the town hall's address), rendered
once into one PDF; the families' information notice (RGPD art. 13-14) is its last page.

Rendering is lean on purpose (a summons must render in well under half a second): one
WeasyPrint render per letter, the system's fonts only, no image, and a URL fetcher that
refuses everything — a letter never reaches the network.

Letters are written in the installation's language (`settings.LANGUAGE_CODE`), not in the
language of whoever generates them: a family in Pantin receives a French letter even when the
coordinator's screen is in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tranquillite.accounts.roles import Role
from tranquillite.core.models import Territory, TerritoryKind


class NoFetching(ValueError):
    pass


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's URL fetcher: a letter loads nothing, from anywhere."""
    raise NoFetching(f"Letters load no resource ({url[:60]}).")


def letter_language() -> str:
    return str(settings.LANGUAGE_CODE)


def of_town(name: str) -> str:
    """'de Pantin', 'du Pré-Saint-Gervais', 'des Lilas' in French; 'of Pantin' otherwise."""
    if not (translation.get_language() or "").startswith("fr"):
        return f"of {name}"
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[:1].lower() in "aeiouyéèêâîôû":
        return f"d’{name}"
    return f"de {name}"


def sender_name(territory: Territory) -> str:
    """The letterhead's first line: 'Ville de Pantin', or the council's name for a group of
    communes."""
    if territory.kind == TerritoryKind.INTERCOMMUNAL:
        return territory.council_name or territory.name
    return _("Town %(of_town)s") % {"of_town": of_town(territory.name)}


@dataclass(frozen=True)
class Signature:
    """The signature block: 'Le Maire de Pantin' / or, for a deputy, 'Pour le Maire et par
    délégation, L'Adjointe au maire…' — then the name, under a line left for the hand."""

    name: str
    title: str
    on_behalf: bool

    @property
    def title_in_sentence(self) -> str:
        """'Adjointe au maire' after a comma, mid-sentence: 'adjointe au maire'."""
        return self.title[:1].lower() + self.title[1:]


def is_mayor(job_title: str) -> bool:
    title = job_title.strip().lower()
    return title.startswith(("maire", "mayor", "le maire", "la maire", "the mayor"))


def signature_for(official: Any, territory: Territory) -> Signature:
    mayor_title = _("Mayor %(of_town)s") % {"of_town": of_town(territory.name)}
    if official is None:
        return Signature(name="", title=mayor_title, on_behalf=False)
    job_title = (official.job_title or "").strip()
    if is_mayor(job_title):
        return Signature(name=official.get_full_name(), title=mayor_title, on_behalf=False)
    return Signature(
        name=official.get_full_name(), title=job_title or _("Deputy mayor"), on_behalf=True
    )


def mayor_of(territory: Territory) -> Any:
    """The territory's mayor, if an elected official's job title says so (else None)."""
    from tranquillite.accounts.models import User

    officials = User.objects.filter(
        is_active=True,
        memberships__territory=territory,
        memberships__is_active=True,
        memberships__role=Role.ELECTED_OFFICIAL,
    ).distinct()
    return next((user for user in officials if is_mayor(user.job_title or "")), None)


def dpo_contact(territory: Territory) -> str:
    """How to reach the data protection officer: the e-mail of the territory's DPO."""
    from tranquillite.accounts.models import User

    dpo = (
        User.objects.filter(
            is_active=True,
            memberships__territory=territory,
            memberships__is_active=True,
            memberships__role=Role.DATA_PROTECTION_OFFICER,
        )
        .order_by("date_joined")
        .first()
    )
    return dpo.email if dpo is not None else ""


def letterhead(territory: Territory) -> dict[str, Any]:
    """What every letter of a territory shows: sender, address, phone, colour, the DPO."""
    address_lines = [line.strip() for line in territory.address.splitlines() if line.strip()]
    return {
        "territory": territory,
        "sender_name": sender_name(territory),
        "address_lines": address_lines,
        "address_one_line": " — ".join(address_lines),
        "phone": territory.phone.replace(" ", "\u00a0"),
        "colour": territory.primary_colour,
        "dpo_contact": dpo_contact(territory),
    }


def render_pdf(template_name: str, context: Mapping[str, Any]) -> bytes:
    """One template, one WeasyPrint render, one PDF. Call inside `translation.override`."""
    from weasyprint import HTML

    html = render_to_string(template_name, dict(context))
    pdf: bytes = HTML(string=html, url_fetcher=refuse_fetch).write_pdf()
    return pdf
