"""Raising, responding to and lifting tension alerts; who may read them; the cell's e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tests.tensions.conftest import make_setup, raise_one
from tranquillite.accounts.roles import Role
from tranquillite.governance.models import Body, BodyKind, BodyMember, MemberStatus
from tranquillite.tensions import services
from tranquillite.tensions.mail import cell_recipients
from tranquillite.tensions.models import AlertFigure, ResponseKind, TensionAlert

pytestmark = pytest.mark.django_db


def test_raise_needs_two_neighbourhoods_of_the_territory(setup, other_territory):
    with pytest.raises(ValidationError, match=r"deux quartiers|two neighbourhoods"):
        raise_one(setup, neighbourhoods=[setup.a])
    elsewhere = NeighbourhoodFactory(territory=other_territory)
    with pytest.raises(ValidationError):
        raise_one(setup, neighbourhoods=[setup.a, elsewhere])
    with pytest.raises(ValidationError):
        raise_one(setup, level="apocalypse")
    with pytest.raises(ValidationError):
        raise_one(setup, source="gossip")
    assert not TensionAlert.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "M. Dupont aurait donné rendez-vous aux jeunes",
        "Appeler le 06 12 34 56 78 pour en savoir plus",
    ],
)
def test_the_description_names_no_one(setup, text):
    with pytest.raises(ValidationError):
        raise_one(setup, description=text)
    assert not TensionAlert.objects.exists()


def test_only_the_coordinator_raises_changes_and_lifts(setup):
    for user in (setup.cell_member, setup.supervisor, setup.police, setup.outsider):
        with pytest.raises(PermissionDenied):
            raise_one(setup, actor=user)
    alert = raise_one(setup)
    for user in (setup.cell_member, setup.supervisor, setup.police):
        with pytest.raises(PermissionDenied):
            services.change_level(actor=user, alert=alert, level="imminent_risk")
        with pytest.raises(PermissionDenied):
            services.lift_alert(actor=user, alert=alert, outcome="no_violence")


def test_who_reads_and_who_responds(setup, other_territory):
    alert = raise_one(setup)
    visible = TensionAlert.objects.visible_to
    for user in (setup.coordinator, setup.cell_member, setup.supervisor, setup.police):
        assert list(visible(user)) == [alert], user
    for user in (setup.outsider, setup.mediator):
        assert not visible(user).exists()
    # A member of the other territory's cell sees nothing here.
    other = make_setup(other_territory)
    assert not visible(other.cell_member).filter(pk=alert.pk).exists()
    # A suspended cell member no longer reads.
    BodyMember.objects.filter(user=setup.cell_member).update(status=MemberStatus.SUSPENDED)
    assert not visible(setup.cell_member).exists()

    for user in (setup.coordinator, setup.supervisor):
        services.log_response(actor=user, alert=alert, kind="other", note="Présence renforcée")
    for user in (setup.police, setup.outsider, setup.cell_member):
        with pytest.raises(PermissionDenied):
            services.log_response(actor=user, alert=alert, kind="other", note="x")


def test_response_log_rules(setup, other_territory):
    alert = raise_one(setup)
    now = timezone.now()
    with pytest.raises(ValidationError):  # a deployment needs its team and time
        services.log_response(actor=setup.supervisor, alert=alert, kind="team_deployed")
    with pytest.raises(ValidationError):  # a partner alerted needs the partner
        services.log_response(actor=setup.supervisor, alert=alert, kind="partner_alerted")
    with pytest.raises(ValidationError):  # not in the future
        services.log_response(
            actor=setup.supervisor,
            alert=alert,
            kind="team_deployed",
            team=setup.team,
            starts_at=now + timedelta(hours=2),
        )
    with pytest.raises(ValidationError):  # end before start
        services.log_response(
            actor=setup.supervisor,
            alert=alert,
            kind="team_deployed",
            team=setup.team,
            starts_at=now,
            ends_at=now - timedelta(hours=1),
        )
    with pytest.raises(ValidationError):  # another territory's organisation
        services.log_response(
            actor=setup.supervisor,
            alert=alert,
            kind="partner_alerted",
            organisation=OrganisationFactory(territory=other_territory),
        )
    with pytest.raises(ValidationError):  # a level change is the coordinator's, not a response
        services.log_response(actor=setup.coordinator, alert=alert, kind="level_changed")
    deployed = services.log_response(
        actor=setup.supervisor,
        alert=alert,
        kind="team_deployed",
        team=setup.team,
        starts_at=now - timedelta(minutes=30),
        note="Deux médiateurs au parc",
    )
    partner = OrganisationFactory(territory=setup.territory, name="Collège Jean-Jaurès")
    services.log_response(
        actor=setup.coordinator,
        alert=alert,
        kind="partner_alerted",
        organisation=partner,
        team=setup.team,  # ignored for this kind
    )
    assert deployed.recorded_by == setup.supervisor
    logged = list(alert.responses.values_list("kind", "team", "organisation"))
    assert logged == [
        ("team_deployed", setup.team.pk, None),
        ("partner_alerted", None, partner.pk),
    ]


def test_level_change_and_lift_keep_the_highest_level_and_the_figure(setup):
    alert = raise_one(setup, level="vigilance")
    with pytest.raises(ValidationError):
        services.change_level(actor=setup.coordinator, alert=alert, level="vigilance")
    services.change_level(actor=setup.coordinator, alert=alert, level="imminent_risk")
    services.change_level(actor=setup.coordinator, alert=alert, level="tension")
    with pytest.raises(ValidationError):
        services.lift_alert(actor=setup.coordinator, alert=alert, outcome="")
    lifted = services.lift_alert(
        actor=setup.coordinator, alert=alert, outcome="no_violence", note="Rassemblement dispersé"
    )
    assert lifted.level == "tension" and lifted.highest_level == "imminent_risk"
    assert list(alert.responses.values_list("kind", "level")) == [
        (ResponseKind.LEVEL_CHANGED, "imminent_risk"),
        (ResponseKind.LEVEL_CHANGED, "tension"),
    ]
    figure = AlertFigure.objects.get()
    assert (figure.level, figure.outcome) == ("imminent_risk", "no_violence")
    assert set(figure.neighbourhoods.all()) == {setup.a, setup.b}
    with pytest.raises(ValidationError):
        services.lift_alert(actor=setup.coordinator, alert=alert, outcome="violence")
    with pytest.raises(ValidationError):  # the log is closed
        services.log_response(actor=setup.coordinator, alert=alert, kind="other", note="x")


def test_the_cell_is_told_exactly(setup, other_territory, django_capture_on_commit_callbacks):
    """Raised, level changed, lifted: each e-mail reaches exactly the active members of this
    territory's monitoring cell (accounts and outside contacts), one message each."""
    other = make_setup(other_territory)  # the other city's cell
    committee = Body.objects.create(
        territory=setup.territory, name="Comité de suivi", kind=BodyKind.MONITORING_COMMITTEE
    )
    BodyMember.objects.create(territory=setup.territory, body=committee, user=setup.outsider)
    suspended = member(setup.territory, Role.PARTNER_MEMBER)
    BodyMember.objects.create(
        territory=setup.territory, body=setup.cell, user=suspended, status=MemberStatus.SUSPENDED
    )
    expected = sorted(
        [
            setup.coordinator.email.lower(),
            setup.cell_member.email.lower(),
            "astreinte@bailleur.test",
        ]
    )
    assert cell_recipients(setup.territory) == expected
    assert other.cell_member.email.lower() not in expected

    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_one(setup)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_level(actor=setup.coordinator, alert=alert, level="imminent_risk")
    with django_capture_on_commit_callbacks(execute=True):
        services.lift_alert(actor=setup.coordinator, alert=alert, outcome="moved")
    assert len(mail.outbox) == 9
    for batch in (mail.outbox[0:3], mail.outbox[3:6], mail.outbox[6:9]):
        assert sorted(address for m in batch for address in m.to) == expected
        assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in batch)
    first = mail.outbox[0]
    assert "Courtillières" in first.subject and "Quatre-Chemins" in first.subject
    assert str(alert.public_id) in first.body
    # No description, no author in the e-mail.
    assert "match" not in first.body
    for user in (setup.coordinator,):
        assert user.last_name not in first.body and user.last_name not in first.subject


def test_a_refused_write_tells_no_one(setup, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        raise_one(setup, neighbourhoods=[setup.a])
    assert callbacks == [] and mail.outbox == []
