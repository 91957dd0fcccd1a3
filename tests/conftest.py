from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from tests.factories import TerritoryFactory, member
from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Territory
from tranquillite.demo import data


@pytest.fixture(autouse=True)
def _throwaway_media(settings, tmp_path_factory):
    # Uploaded and generated files (letters, documents) go to a folder of the test run, never
    # to the developer's var/media.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The longest tests go first: pytest-xdist hands tests out in order, so a long one started
    # last would run alone at the end while the other worker sits idle.
    items.sort(key=lambda item: item.get_closest_marker("runs_long") is None)


# What every test runs with: its own cache (throttling and TOTP replay protection live there),
# a fast password hasher, tasks run at once. Fixtures that load data outside a test (the demo,
# once per module or per run) use the same.
TEST_SETTINGS: dict[str, Any] = {
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
}


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    cache.clear()


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for a module, in a transaction rolled back after its last test.

    Loading takes seconds; a test that asks for `demo` below runs in a savepoint inside this
    transaction (pytest-django's `db`), so it starts from the fresh demo and leaves it so.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, **TEST_SETTINGS),
        transaction.atomic(),
    ):
        cache.clear()
        loaded = data.load()
        yield media, loaded
        transaction.set_rollback(True)


@pytest.fixture
def demo_loaded(demo_once, db, settings) -> tuple[Territory, Territory]:
    """Pantin and the second demo territory, from the module's one load (see `demo_once`)."""
    media, loaded = demo_once
    # The demo's files (letters, documents) are copied into this test's own media folder:
    # a test may delete or replace them without another one noticing.
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return loaded


@pytest.fixture
def territory(db) -> Territory:
    return TerritoryFactory(name="Pantin", slug="pantin")


@pytest.fixture
def other_territory(db) -> Territory:
    return TerritoryFactory(name="Autreville", slug="autreville")


@pytest.fixture
def make_member(db) -> Callable[..., User]:
    return member


@pytest.fixture
def client_for(db) -> Callable[[User], Client]:
    """A test client signed in as `user` (the second factor counts as done)."""

    def _client(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def coordinator(territory) -> User:
    return member(territory, Role.COORDINATOR)


@pytest.fixture
def dpo(territory) -> User:
    return member(territory, Role.DATA_PROTECTION_OFFICER)
