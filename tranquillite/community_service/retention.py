"""How long a placement is kept — the rule as code.

Basis: CNIL AU-038 (deliberation 2014-262) for the city's prevention files, of which the
community-service file is one (the domain's rule: names live only inside a working group, the
CDDF, an RAO or a TIG file), and RGPD art. 5(1)(e), storage limitation:

- while the placement runs, it is kept;
- at its end (completed or interrupted) it is kept **3 years**, the time for the probation
  service or the sentencing judge to ask the host again about the hours done; then it is
  destroyed with its sessions, absences, corrections, history and documents;
- a placement that never ends on the platform (a proposal left in the air) goes 3 years after
  its deadline, so that nothing stays for ever.

The outgoing-mail register keeps its lines (a number, a date, a case number: no name). The
daily purge (`retention/purge.py`, `manage.py purge_follow_ups`) applies this rule and keeps
anonymous counts (`retention.PurgeRun`). The person goes too once nothing else refers to them.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from tranquillite.community_service.models import Placement
from tranquillite.community_service.timesheets import add_months

KEEP_YEARS = 3


def destroy_on(ended_on: date) -> date:
    return add_months(ended_on, 12 * KEEP_YEARS)


def due_placements(today: date) -> QuerySet[Placement]:
    """Placements whose time has come: ended 3 years ago, or never ended 3 years after the
    deadline."""
    deadline_limit = add_months(today, -12 * KEEP_YEARS)
    return Placement.objects.filter(
        Q(destroy_on__lte=today) | Q(ended_on__isnull=True, deadline__lt=deadline_limit)
    )
