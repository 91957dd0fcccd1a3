"""The shell's navigation: each app registers its entries in its AppConfig.ready().

Core knows the sections, never the modules: a new module plugs in with one
`register(NavigationItem(...))` call and its entry shows only to users holding its right in
the current territory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SECTIONS: dict[str, Promise] = {
    "territory": _("Territory"),
    "council": _("Council"),
    "strategy": _("Strategy"),
    "followups": _("Follow-ups"),
    "community_service": _("Community service"),
    "field": _("Field"),
    "observatory": _("Observatory"),
    "administration": _("Administration"),
}


@dataclass(frozen=True)
class NavigationItem:
    section: str
    label: Promise | str
    url_name: str
    right: str
    order: int = 100


@dataclass
class NavigationSection:
    key: str
    label: Promise | str
    items: list[dict[str, Any]] = field(default_factory=list)


_registry: list[NavigationItem] = []


def register(item: NavigationItem) -> None:
    if item.section not in SECTIONS:
        raise ValueError(f"Unknown navigation section {item.section!r}")
    if item not in _registry:
        _registry.append(item)


def navigation_for(request: HttpRequest) -> list[NavigationSection]:
    territory = getattr(request, "territory", None)
    user = request.user
    if territory is None or not user.is_authenticated:
        return []
    sections: dict[str, NavigationSection] = {}
    for item in sorted(_registry, key=lambda i: (list(SECTIONS).index(i.section), i.order)):
        if not user.has_perm(item.right, territory):
            continue
        url = reverse(item.url_name)
        section = sections.setdefault(
            item.section, NavigationSection(item.section, SECTIONS[item.section])
        )
        section.items.append({"label": item.label, "url": url, "active": False})
    # The current page is the most specific entry matching the path: /membres/inviter/ is
    # "Invite", not also "Members".
    items = [entry for section in sections.values() for entry in section.items]
    matching = [entry for entry in items if _is_active(request.path, entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    return list(sections.values())


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


# --- Home-page figures ------------------------------------------------------------------------
@dataclass(frozen=True)
class HomeFigure:
    label: Promise | str
    value: int
    url: str = ""


HomeFigureSource = Any  # Callable[[user, territory], list[HomeFigure]]
_figure_sources: list[HomeFigureSource] = []


def register_home_figures(source: HomeFigureSource) -> None:
    """A module adds its key figures to the home page (aggregates only, never names)."""
    if source not in _figure_sources:
        _figure_sources.append(source)


def home_figures_for(request: HttpRequest) -> list[HomeFigure]:
    territory = getattr(request, "territory", None)
    if territory is None:
        return []
    figures: list[HomeFigure] = []
    for source in _figure_sources:
        figures.extend(source(request.user, territory))
    return figures


# --- Live banners ------------------------------------------------------------------------------
# A module may show something on every page of the shell that changes without a reload (the
# active tension alerts): base.html polls each registered fragment with htmx, only for users
# holding its right in the current territory. The fragment decides what the user may see.


@dataclass(frozen=True)
class LiveBanner:
    url_name: str
    right: str


_banners: list[LiveBanner] = []


def register_live_banner(url_name: str, right: str) -> None:
    banner = LiveBanner(url_name, right)
    if banner not in _banners:
        _banners.append(banner)


def live_banners_for(request: HttpRequest) -> list[str]:
    territory = getattr(request, "territory", None)
    user = request.user
    if territory is None or not user.is_authenticated:
        return []
    return [reverse(b.url_name) for b in _banners if user.has_perm(b.right, territory)]
