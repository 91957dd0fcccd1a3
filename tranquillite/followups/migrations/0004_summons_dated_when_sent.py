"""A summons (RAO) and a family-council convocation are dated the day their letters were sent
(issue 12, item 8), no longer by the hearing or session they call to: the steps recorded
before are re-dated on the day they were recorded (when the letters were generated)."""

from django.db import migrations
from django.utils import timezone

LETTER_STEPS = ("summon", "plan_session")


def date_when_sent(apps, schema_editor):
    FollowUpEvent = apps.get_model("followups", "FollowUpEvent")
    for event in FollowUpEvent.objects.filter(step__in=LETTER_STEPS).iterator():
        if "occurred_on" in event.data:
            continue  # recorded with its sending day already
        sent_on = timezone.localdate(event.recorded_at)
        event.occurred_on = sent_on
        event.data = {**event.data, "occurred_on": sent_on.isoformat()}
        event.save(update_fields=["occurred_on", "data"])


class Migration(migrations.Migration):
    dependencies = [("followups", "0003_review_early_statistics")]

    operations = [migrations.RunPython(date_when_sent, migrations.RunPython.noop)]
