"""The follow-ups' fixtures (a territory with its groupe Mineurs, CDDF, mayor, an RAO file),
a Pantin letterhead, and a throwaway media folder for the generated PDFs."""

import pytest

from tests.followups.conftest import (  # noqa: F401  (fixtures)
    family_council,
    minors,
    police,
    rao,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def territory(territory):
    territory.address = "Centre administratif\n84/88 avenue du Général Leclerc\n93507 Pantin Cedex"
    territory.phone = "01 49 15 40 00"
    territory.primary_colour = "#00557f"
    territory.council_name = "CLSPD de Pantin"
    territory.save()
    return territory


@pytest.fixture
def mayor(territory):
    from tests.factories import UserFactory, member
    from tranquillite.accounts.roles import Role

    official = UserFactory(
        first_name="Hélène",
        last_name="Garnier",
        job_title="Adjointe au maire, tranquillité publique",
        phone="01 49 15 41 41",
    )
    return member(territory, Role.ELECTED_OFFICIAL, user=official)
