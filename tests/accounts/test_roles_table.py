"""docs/roles.md shows people the same roles × rights table the code enforces."""

import re
from pathlib import Path

import pytest

from tests.factories import member
from tranquillite.accounts.roles import RIGHTS, Role

ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def first_table() -> list[str]:
    lines, started = [], False
    for line in ROLES_DOC.read_text().splitlines():
        if line.startswith("|"):
            started = True
            lines.append(line)
        elif started:
            break
    return lines


def documented_table() -> dict[str, set[str]]:
    """Parse the markdown table: header row of role codes, one row per right, ✓ or —."""
    lines = first_table()
    header = [cell.strip().strip("`") for cell in lines[0].strip("|").split("|")]
    roles = header[1:]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        right = re.sub(r"[`*]", "", cells[0]).strip()
        table[right] = {role for role, cell in zip(roles, cells[1:], strict=True) if cell == "✓"}
    return table


def test_the_document_lists_every_role_and_every_right():
    lines = first_table()
    header = [cell.strip().strip("`") for cell in lines[0].strip("|").split("|")][1:]
    assert header == [role.value for role in Role]
    assert set(documented_table()) == set(RIGHTS)


def test_the_document_matches_the_code():
    documented = documented_table()
    for right, roles in RIGHTS.items():
        assert documented[right] == {role.value for role in roles}, right


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("right", sorted(RIGHTS))
def test_rules_grant_exactly_the_table(role, right, territory, other_territory):
    user = member(territory, role)
    assert user.has_perm(right, territory) == (role in RIGHTS[right])
    # Never in a territory where the user holds no role, nor without a territory.
    assert not user.has_perm(right, other_territory)
    assert not user.has_perm(right)


@pytest.mark.django_db
def test_unknown_rights_and_inactive_memberships_are_denied(territory):
    user = member(territory, Role.COORDINATOR)
    assert not user.has_perm("core.do_anything", territory)
    user.memberships.update(is_active=False)
    fresh = type(user).objects.get(pk=user.pk)
    assert not fresh.has_perm("accounts.manage_members", territory)
