"""Rule-level helpers for the archive (closed follow-ups): who may open one, and whether a
file is past its date (the purge has not run yet: nobody opens it any more).

CNIL AU-038: a closed file goes to the archive, opened only for a stated reason (logged as
`record.archive_read`, which requires a reason), by whoever administers the files
(`followups.administer_follow_ups`) and may see the file (the charter gate); no change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tranquillite.followups import retention
from tranquillite.followups.engine import may_act
from tranquillite.followups.models import FollowUp


def is_due(follow_up: FollowUp, today: date | None = None) -> bool:
    """The rule says this file must no longer exist (it goes at the next purge)."""
    today = today or timezone.localdate()
    limit = retention.destroy_on(
        birth_date=follow_up.person.birth_date, closed_on=follow_up.closed_on
    )
    return limit <= today or (follow_up.destroy_on is not None and follow_up.destroy_on <= today)


def may_read_archive(user: Any, follow_up: FollowUp, today: date | None = None) -> bool:
    """Whether `user` may open this archived file (with a reason the view asks and logs)."""
    return (
        follow_up.is_archived
        and not is_due(follow_up, today)
        and user.has_perm("followups.administer_follow_ups", follow_up.territory)
        and may_act(user, follow_up)
    )
