"""Settings of the technical issues, with their defaults (overridable in config/settings.py)."""

from __future__ import annotations

from django.conf import settings

from tranquillite.technical_issues.models import IssueCategory

# Days to fix when the territory has set no deadline for the category.
DEFAULT_DEADLINE_DAYS: dict[str, int] = {
    IssueCategory.LIGHTING: 7,
    IssueCategory.ROADS: 14,
    IssueCategory.WASTE: 3,
    IssueCategory.BUILDING_ACCESS: 7,
    IssueCategory.PARKS: 7,
    IssueCategory.GRAFFITI: 14,
    IssueCategory.ABANDONED_VEHICLE: 30,
    IssueCategory.OTHER: 14,
}


def link_max_age_days() -> int:
    """How long a signed link sent to an organisation without accounts stays valid."""
    return int(getattr(settings, "TECHNICAL_ISSUE_LINK_DAYS", 30))


def reminder_interval_days() -> int:
    """A late issue is reminded again after this many days."""
    return int(getattr(settings, "TECHNICAL_ISSUE_REMINDER_INTERVAL_DAYS", 7))


def retention_days() -> int:
    """Closed issues are destroyed this long after closing (technical_issues/retention.py)."""
    return int(getattr(settings, "TECHNICAL_ISSUE_RETENTION_DAYS", 3 * 365 + 1))
