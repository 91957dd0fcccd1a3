"""Pantin's community-service demo tells the story the README tells."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tranquillite.accounts.models import User
from tranquillite.community_service.models import Placement, PlacementState, Post
from tranquillite.community_service.selectors import supervisor_day, work_list
from tranquillite.demo import data


@pytest.fixture
def demo(db):
    return data.load()


def test_the_community_service_demo(demo):
    pantin, _second = demo
    assert 8 <= Post.objects.filter(territory=pantin).count() <= 12
    assert Post.objects.filter(territory=pantin, is_open=False).count() == 1
    states = set(Placement.objects.filter(territory=pantin).values_list("state", flat=True))
    assert states == set(PlacementState.values)
    done = Placement.objects.get(territory=pantin, state=PlacementState.COMPLETED)
    assert set(done.documents.values_list("kind", flat=True)) == {
        "hours_form",
        "final_report",
        "attestation",
    }
    tutor = User.objects.get(email="tuteur@pantin.test")
    assert tutor.supervised_posts.count() == 2
    today = timezone.localdate()
    tutors_list = work_list(tutor, pantin, today)
    assert any(line.pace.behind for line in tutors_list)
    assert {line.placement.person.first_name for line in supervisor_day(tutor, pantin, today)} == {
        "Yanis",
        "Enzo",
        "Mélissa",
    }
    officer = User.objects.get(email="cpip@pantin.test")
    followed = Placement.objects.visible_to(officer)
    assert followed.count() == 6
    assert not followed.filter(probation_service__kind="youth_justice").exists()
    posts = Post.objects.count()
    data.load()
    assert Post.objects.count() == posts
