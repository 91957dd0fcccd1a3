from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import TerritoryFactory, member
from tranquillite.accounts.models import User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Territory


@pytest.fixture(autouse=True)
def _throwaway_media(settings, tmp_path_factory):
    # Uploaded and generated files (letters, documents) go to a folder of the test run, never
    # to the developer's var/media.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    # Throttling and TOTP replay protection live in the cache: each test starts clean.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()


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
