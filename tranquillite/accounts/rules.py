"""Loaded by rules' autodiscovery: registers every right of the roles table."""

from tranquillite.accounts import permissions  # noqa: F401
