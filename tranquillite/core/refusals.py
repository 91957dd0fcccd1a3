"""One answer for "you may not see this": a 404, whatever the role, and always logged.

A view, a decorator or a selector helper that refuses a record raises `Refusal` (an
`Http404`): the user gets the same page as for a record that does not exist — they must not
learn that it exists (art. L132-5 CSI; CNIL AU-038) — and the access log middleware
(`audit.middleware.RefusalLogMiddleware`) writes the refusal, with its reason, **in the
territory of the record asked for** when it exists, so that this territory's DPO sees who
knocked, even from another city. `core` imports no other app: it only describes the refusal.

    raise Refusal("follow_up", model=FollowUp, public_id=public_id)   # look the record up
    raise Refusal("archive", asked=follow_up)                         # already in hand
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404


class Refusal(Http404):
    def __init__(
        self,
        reason: str,
        *,
        asked: models.Model | None = None,
        model: type[models.Model] | None = None,
        public_id: Any = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.asked = asked
        self.model = model
        self.public_id = public_id

    def asked_record(self) -> models.Model | None:
        """The record asked for, in whatever territory, or None (never shown to the asker)."""
        if self.asked is not None:
            return self.asked
        if self.model is None or self.public_id is None:
            return None
        try:
            return (
                self.model._default_manager.filter(public_id=self.public_id)
                .select_related("territory")
                .first()
            )
        except (ValueError, TypeError):  # not a UUID: nothing was asked for
            return None
