"""List pages cost a fixed number of queries, whatever the number of rows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access

PAGES = ["core:home", "core:territory", "accounts:organisations", "accounts:members", "audit:log"]


def add_rows(territory, count, reader):
    for _ in range(count):
        organisation = OrganisationFactory(territory=territory)
        NeighbourhoodFactory(territory=territory)
        for role in (Role.PARTNER_MEMBER, Role.MEDIATOR):
            someone = member(territory, role, organisation=organisation, with_mfa=False)
            record_access(None, AccessAction.READ, [someone], actor=reader, territory=territory)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", PAGES)
def test_list_pages_do_not_grow_with_rows(territory, client_for, url_name):
    reader = member(territory, Role.COORDINATOR)
    dpo = member(territory, Role.DATA_PROTECTION_OFFICER, user=reader)
    client = client_for(dpo)
    url = reverse(url_name)
    add_rows(territory, 2, reader)
    client.get(url)  # warm the session
    few = queries_for(client, url)
    add_rows(territory, 12, reader)
    many = queries_for(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
    assert many <= 15
