"""The demo's story is dated back from the day it is loaded: each test here loads it itself,
on a day of its choosing (the other demo tests share one load, in tests/test_demo.py)."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

from django.utils import timezone

from tranquillite.demo import data
from tranquillite.followups.engine import workflow_for
from tranquillite.followups.models import CaseDocument, FollowUp, FollowUpLink
from tranquillite.governance.models import AgendaItem, Meeting, MeetingStatus


def test_the_demo_loads_on_new_years_day(db):
    # The story is dated back from the day it is loaded: across a year's end too.
    new_year = timezone.make_aware(datetime(2027, 1, 2, 8, 0))
    with mock.patch.object(timezone, "now", return_value=new_year):
        pantin, _second = data.load()
    files = FollowUp.objects.filter(territory=pantin)
    years = {number[:8] for number in files.values_list("case_number", flat=True)}
    assert years >= {"RAO-2025", "RAO-2026"}
    numbers = AgendaItem.objects.exclude(case_number="").values_list("case_number", flat=True)
    assert files.filter(case_number__in=numbers).count() == 2
    rao = files.filter(kind="law_reminder")
    assert set(rao.values_list("state", flat=True)) == set(workflow_for("law_reminder").states)


def test_the_files_the_readme_names_are_what_it_says(db):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    paragraph = readme.split("**Individual follow-ups in the demo.**")[1].split("\n\n")[0]
    named = set(re.findall(r"\b(?:RAO|CDDF|ACC|VIC)-\d{4}-\d{4}\b", paragraph))
    # The README's numbers are those of a load in late 2026.
    late_2026 = timezone.make_aware(datetime(2026, 11, 23, 8, 0))
    with mock.patch.object(timezone, "now", return_value=late_2026):
        pantin, _second = data.load()
    files = {f.case_number: f for f in FollowUp.objects.filter(territory=pantin)}
    assert named <= set(files)
    assert len(named) == 10

    def number(**filters):
        return FollowUp.objects.get(territory=pantin, **filters).case_number

    minors = Meeting.objects.get(body__name="Groupe Mineurs", status=MeetingStatus.HELD)
    agenda = set(minors.agenda_items.exclude(case_number="").values_list("case_number", flat=True))
    assert agenda == {"RAO-2026-0020", "RAO-2026-0009"}
    assert files["RAO-2026-0020"].state == "referred"
    with_letters = set(
        CaseDocument.objects.filter(follow_up__kind="law_reminder").values_list(
            "follow_up__case_number", flat=True
        )
    )
    assert with_letters == {"RAO-2026-0016", "RAO-2026-0013"}
    assert files["RAO-2026-0013"].events.filter(step="record_no_show").exists()
    assert number(restricted_at__isnull=False) == "RAO-2026-0015"
    assert files["RAO-2025-0002"].events.filter(step="record_review_after_support").exists()
    assert files["RAO-2025-0002"].outcome == "support_completed"
    link = FollowUpLink.objects.get(territory=pantin)
    assert {link.from_follow_up.case_number, link.to_follow_up.case_number} == {
        "VIC-2026-0003",
        "RAO-2026-0012",
    }
    assert files["CDDF-2026-0003"].state == "session_planned"
    assert files["CDDF-2026-0003"].documents.count() == 2
    archived = files["ACC-2026-0001"]
    assert archived.body.name == "Groupe Bailleurs" and archived.closed_on is not None
    assert archived.destroy_on <= late_2026.date() + timedelta(days=30)
