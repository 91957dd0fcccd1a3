"""The daily destruction of follow-ups and of the people they were about.

The rule (CNIL AU-038, deliberation 2014-262, and its 2020 audit of city prevention files;
RGPD art. 5(1)(e), storage limitation) is written once, in followups/retention.py: a file is
kept while it is open; at closure it goes to the archive for 3 years, then it is destroyed;
nothing is kept past the person's 25th birthday, whichever comes first — an open file
included. This module applies it, every day (`manage.py purge_follow_ups`, from the daily
timer, docs/operations.md):

1. Every follow-up that is due — `destroy_on` reached, or the person's 25th birthday reached
   (open files have no `destroy_on`; a birth date corrected after closure counts too), or
   closed more than 3 years ago — is destroyed with everything that hangs from it: steps,
   deadlines, support actions, links in both directions, case documents **and their stored
   files**, and the change history (django-auditlog) of each of these rows, whose `changes`
   and `object_repr` hold names. The anonymous `CaseStatistic` stays, detached
   (`follow_up` set to NULL): it holds no name, no birth date, no case number.
2. Then every person nothing refers to any more (no follow-up left) is destroyed, with their
   legal guardians, the records of merged duplicates and all their change history (that of
   the absorbed duplicates included).
3. Community-service placements due under their own rule (community_service/retention.py: 3
   years after the end) go the same way, with their sessions, absences, corrections and
   documents; their people then go with step 2 when nothing else holds them. Their anonymous
   `PlacementStatistic` stays, detached (`placement` set to NULL), like `CaseStatistic`.
4. One `PurgeRun` per territory keeps what was destroyed as anonymous counts (placements in
   its `rows`, "community_service.placement").

What stays, on purpose: the outgoing-mail register (`letters.OutgoingMail`: a date, a case
number, "a legal guardian" — no name), and the access log (`audit.AccessLogEntry`: labels are
case numbers, never names; it has its own retention, `purge_access_log`).

Set-based, for a year of expiries over many territories: due follow-ups are selected by
primary key in batches, and each table is emptied of the batch's rows with one `DELETE`
whose `WHERE` reaches them through the rows they hang from (subqueries: no id travels back
and forth, no model instance is loaded, no signal is sent — auditlog would otherwise write a
"deleted" entry holding the name it is meant to forget). One transaction per batch: a
failure leaves the batch whole, and the next run takes it again (the rule is idempotent).
What hangs from a row is found from the models' own relations (`on_delete`), so a table
added later that refers to a follow-up (CASCADE) goes with it without a change here; a
PROTECT reference stops the destruction of that file and is reported.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import operator
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, Storage
from django.db import models, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tranquillite.community_service.models import Placement
from tranquillite.community_service.retention import due_placements
from tranquillite.core.models import Territory
from tranquillite.followups.access_request import absorbed_person_pks
from tranquillite.followups.models import FollowUp
from tranquillite.followups.retention import AGE_LIMIT, ARCHIVE_YEARS, add_years
from tranquillite.people.models import LegalGuardian, Person, PersonMerge
from tranquillite.retention.models import PurgeRun

logger = logging.getLogger("tranquillite.retention")

# Follow-ups (or people) per transaction.
BATCH_SIZE = 500
# Length of each `IN (…)` list: under the 999 bound parameters of older SQLite builds.
CHUNK = 900

type Model = type[models.Model]


class ProtectedReference(RuntimeError):
    """A row to destroy is referred to by a PROTECT (or RESTRICT) foreign key."""


def last_day_started(today: date, years: int) -> date:
    """The latest day `start` with `add_years(start, years) <= today`: whatever began on or
    before it has reached its limit. Around 29 February the rule's own arithmetic decides
    (born on 29 February 2000, one is 25 on 28 February 2025)."""
    start = add_years(today, -years)
    while add_years(start + timedelta(days=1), years) <= today:
        start += timedelta(days=1)
    return start


def due_follow_ups(today: date) -> models.QuerySet[FollowUp]:
    """Every follow-up the rule says must no longer exist on `today`."""
    return FollowUp.objects.filter(
        Q(destroy_on__lte=today)
        | Q(person__birth_date__lte=last_day_started(today, AGE_LIMIT))
        | Q(closed_on__lte=last_day_started(today, ARCHIVE_YEARS))
    )


def _reverse_relations(model: Model) -> list[Any]:
    """Every foreign key pointing at `model`, hidden ones included (`related_name="+"`, e.g.
    the two ends of a link between follow-ups)."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_many or relation.one_to_one)
    ]


def _does_not_hold(relation: Any) -> bool:
    """A reference that lets the row go: set to NULL, or a loose one (no constraint)."""
    on_delete = relation.field.remote_field.on_delete
    return bool(
        on_delete is models.SET_NULL
        or (on_delete is models.DO_NOTHING and not relation.field.db_constraint)
    )


def orphan_persons(
    territory: Territory, *, ignoring: models.QuerySet[FollowUp] | None = None
) -> models.QuerySet[Person]:
    """The territory's people nothing refers to any more but their own guardians and merge
    records: no follow-up left (`ignoring` the follow-ups about to go, for a dry run), and no
    other record of any module that holds on to them."""
    people = Person.objects.filter(territory=territory)
    for relation in _reverse_relations(Person):
        holder = relation.related_model
        if holder in (LegalGuardian, PersonMerge) or _does_not_hold(relation):
            continue
        references = holder._base_manager.filter(**{relation.field.attname: OuterRef("pk")})
        if holder is FollowUp and ignoring is not None:
            references = references.exclude(pk__in=ignoring.values("pk"))
        people = people.filter(~Exists(references))
    return people


def _chunks[T](values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class Plan:
    """What one batch destroys, as querysets the database evaluates (no id travels back and
    forth): for each model, the rows reached — through which relations — and how deep (a
    row is always deeper than the row it hangs from: deepest go first); and the references
    to set to NULL."""

    rows: dict[Model, list[models.QuerySet[Any]]] = field(default_factory=dict)
    depth: dict[Model, int] = field(default_factory=dict)
    set_null: list[tuple[Model, str, models.QuerySet[Any]]] = field(default_factory=list)
    # Rows an earlier batch of a dry run would have destroyed (a dry run deletes nothing):
    # they do not hold on to what they refer to.
    going: dict[Model, models.QuerySet[Any]] = field(default_factory=dict)

    def collect(
        self, model: Model, rows: models.QuerySet[Any], path: tuple[Model, ...] = ()
    ) -> None:
        if model in path:
            raise ProtectedReference(f"{model._meta.label} cascades onto itself: not supported.")
        self.rows.setdefault(model, []).append(rows)
        self.depth[model] = max(self.depth.get(model, 0), len(path))
        keys = rows.values("pk")
        for relation in _reverse_relations(model):
            child, fk = relation.related_model, relation.field
            on_delete = fk.remote_field.on_delete
            referring = child._base_manager.filter(**{f"{fk.attname}__in": keys})
            if on_delete is models.CASCADE:
                self.collect(child, referring, (*path, model))
            elif on_delete is models.SET_NULL:
                self.set_null.append((child, fk.attname, keys))
            elif on_delete is models.DO_NOTHING:
                continue
            else:  # PROTECT, RESTRICT, SET_DEFAULT, SET(...): only rows that stay hold on.
                if child in self.going:
                    referring = referring.exclude(pk__in=self.going[child].values("pk"))
                if referring.exists():
                    raise ProtectedReference(
                        f"{child._meta.label}.{fk.name} refers to {model._meta.label} rows "
                        "due for destruction."
                    )

    def of(self, model: Model) -> models.QuerySet[Any]:
        """Every row of `model` the plan reaches, whichever way."""
        reached = self.rows[model]
        if len(reached) == 1:
            return reached[0]
        return model._base_manager.filter(
            functools.reduce(operator.or_, (Q(pk__in=rows.values("pk")) for rows in reached))
        )

    def deepest_first(self) -> list[Model]:
        return sorted(self.rows, key=lambda model: -self.depth[model])


def _blocked(model: Model, pks: Sequence[int]) -> set[int]:
    """Rows of `model` a PROTECT or RESTRICT reference holds on to: they cannot go."""
    held: set[int] = set()
    for relation in _reverse_relations(model):
        if relation.field.remote_field.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        for chunk in _chunks(pks):
            held.update(
                relation.related_model._base_manager.filter(
                    **{f"{relation.field.attname}__in": chunk}
                ).values_list(relation.field.attname, flat=True)
            )
    return held


@dataclass
class Tally:
    """What was (or, in a dry run, would be) destroyed in one territory. Anonymous."""

    follow_ups_by_kind: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    stored_files: int = 0
    blocked: int = 0
    failed: bool = False

    @property
    def follow_ups(self) -> int:
        return sum(self.follow_ups_by_kind.values())

    @property
    def persons(self) -> int:
        return self.rows["people.person"]

    @property
    def guardians(self) -> int:
        return self.rows["people.legalguardian"]

    @property
    def documents(self) -> int:
        return self.rows["followups.casedocument"]

    def summary(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.follow_ups_by_kind.items()))
        return (
            f"{self.follow_ups} follow-ups ({kinds or 'none'}), {self.persons} people, "
            f"{self.guardians} legal guardians, {self.documents} documents, "
            f"{self.stored_files} stored files, {self.rows['auditlog.logentry']} history entries"
        )


def _stored_files(plan: Plan) -> list[tuple[Storage, str]]:
    files: list[tuple[Storage, str]] = []
    for model in plan.rows:
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        names = plan.of(model).values_list(*[f.attname for f in file_fields])
        for values in names:
            pairs = zip(file_fields, values, strict=True)
            files += [(f.storage, name) for f, name in pairs if name]
    return files


def _history(plan: Plan) -> list[models.QuerySet[LogEntry]]:
    """The change-history entries (django-auditlog) of every row of the plan, and of the
    duplicates merged into a person of the plan (their entries hold names too). auditlog
    fills the indexed `object_id` for integer keys, which all of ours are."""
    entries = [
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=plan.of(model).values("pk"),
        )
        for model in plan.rows
    ]
    if PersonMerge in plan.rows:
        absorbed = plan.of(PersonMerge).values_list("absorbed_public_id", flat=True)
        absorbed_pks = absorbed_person_pks(list(absorbed))
        if absorbed_pks:
            entries.append(
                LogEntry.objects.filter(
                    content_type=ContentType.objects.get_for_model(Person),
                    object_pk__in=absorbed_pks,
                )
            )
    return entries


def _remove_empty_folders(files: list[tuple[Storage, str]]) -> None:
    """A case document has a random folder of its own (followups/<public id>/): once empty it
    goes too. Only such a folder (a shared one may be receiving a file right now), and after
    the commit: a slow file system must not hold the batch's locks (an empty folder named by
    a random id tells nothing)."""
    for storage, name in files:
        folder = os.path.dirname(name)
        if isinstance(storage, FileSystemStorage) and _is_uuid(os.path.basename(folder)):
            with contextlib.suppress(OSError):  # not empty, or already gone
                os.rmdir(storage.path(folder))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _execute(plan: Plan, tally: Tally, *, dry_run: bool) -> None:
    """Destroy (or, in a dry run, count) what the plan reaches."""
    files = _stored_files(plan)
    history = _history(plan)
    if dry_run:
        tally.rows.update({m._meta.label_lower: plan.of(m).count() for m in plan.rows})
        tally.rows["auditlog.logentry"] += sum(entries.count() for entries in history)
        tally.stored_files += len(files)
        return
    for model, attname, keys in plan.set_null:
        model._base_manager.filter(**{f"{attname}__in": keys}).update(**{attname: None})
    # The history first, then the rows, deepest first: each statement finds its rows through
    # the rows they hang from, which must still be there.
    for entries in history:
        tally.rows["auditlog.logentry"] += entries._raw_delete(router.db_for_write(LogEntry))
    for model in plan.deepest_first():
        deleted = plan.of(model)._raw_delete(router.db_for_write(model))
        tally.rows[model._meta.label_lower] += deleted
    # The files go last, still inside the transaction: if deleting one fails, the batch's
    # rows stay and the next run tries again; if the commit fails after, the rows stay too,
    # and their files — due for destruction anyway — are already gone.
    for storage, name in files:
        storage.delete(name)
        tally.stored_files += 1
    transaction.on_commit(lambda: _remove_empty_folders(files))


def _in_batches(
    queryset: models.QuerySet[Any],
    fields: Sequence[str],
    process: Callable[[list[tuple[Any, ...]]], None],
    *,
    dry_run: bool,
    size: int,
) -> None:
    """Keyset batches of `queryset` by primary key, each selected (locked for update, except
    in a dry run) and processed by `process(rows)` inside its own transaction; rows are
    (pk, *fields)."""
    last = 0
    while True:
        with transaction.atomic():
            batch = queryset.filter(pk__gt=last).order_by("pk")
            if not dry_run:
                batch = batch.select_for_update(of=("self",))
            rows = list(batch.values_list("pk", *fields)[:size])
            if not rows:
                return
            last = rows[-1][0]
            process(rows)


def purge_territory(
    territory: Territory, today: date, *, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> Tally:
    tally = Tally()
    due = due_follow_ups(today).filter(territory=territory)

    def destroy_follow_ups(rows: list[tuple[Any, ...]]) -> None:
        pks = [pk for pk, _kind in rows]
        held = _blocked(FollowUp, pks)
        if held:
            tally.blocked += len(held)
            logger.error(
                "Retention purge of %s: %d follow-ups due for destruction are held by a "
                "PROTECT reference and were kept: %s",
                territory.slug,
                len(held),
                ", ".join(
                    FollowUp.objects.filter(pk__in=held).values_list("case_number", flat=True)
                ),
            )
        kept = [pk for pk in pks if pk not in held]
        if kept:
            plan = Plan()
            plan.collect(FollowUp, FollowUp._base_manager.filter(pk__in=kept))
            tally.follow_ups_by_kind.update(kind for pk, kind in rows if pk not in held)
            _execute(plan, tally, dry_run=dry_run)

    def destroy_people(rows: list[tuple[Any, ...]]) -> None:
        plan = Plan(going={FollowUp: due} if dry_run else {})
        plan.collect(Person, Person._base_manager.filter(pk__in=[pk for (pk,) in rows]))
        _execute(plan, tally, dry_run=dry_run)

    def destroy_placements(rows: list[tuple[Any, ...]]) -> None:
        # Community service's own rule (community_service/retention.py): 3 years after the
        # end. Sessions, absences, corrections, documents and their files go with it.
        plan = Plan()
        plan.collect(Placement, Placement._base_manager.filter(pk__in=[pk for (pk,) in rows]))
        _execute(plan, tally, dry_run=dry_run)

    _in_batches(due, ["kind"], destroy_follow_ups, dry_run=dry_run, size=batch_size)
    _in_batches(
        due_placements(today).filter(territory=territory),
        [],
        destroy_placements,
        dry_run=dry_run,
        size=batch_size,
    )
    # (A dry run counts the people of due placements as still held: it deletes nothing.)
    people = orphan_persons(territory, ignoring=due if dry_run else None)
    _in_batches(people, [], destroy_people, dry_run=dry_run, size=batch_size)
    return tally


def purge(
    today: date | None = None,
    *,
    dry_run: bool = False,
    territories: Iterable[Territory] | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[Territory, Tally]:
    """Apply the retention rule in every territory (or those given); write one anonymous
    `PurgeRun` per territory (none in a dry run) and one summary line per territory to the
    log. A territory that fails is reported and the others still run."""
    today = today or timezone.localdate()
    results: dict[Territory, Tally] = {}
    for territory in territories if territories is not None else Territory.objects.order_by("pk"):
        try:
            tally = purge_territory(territory, today, dry_run=dry_run, batch_size=batch_size)
        except Exception:
            logger.exception("Retention purge of %s failed", territory.slug)
            tally = Tally(failed=True)
        results[territory] = tally
        if not dry_run and not tally.failed:
            PurgeRun.objects.create(
                territory=territory,
                day=today,
                follow_ups=tally.follow_ups,
                follow_ups_by_kind=dict(tally.follow_ups_by_kind),
                persons=tally.persons,
                guardians=tally.guardians,
                documents=tally.documents,
                stored_files=tally.stored_files,
                rows=dict(tally.rows),
            )
        logger.info(
            "Retention purge%s of %s for %s: %s",
            " (dry run)" if dry_run else "",
            territory.slug,
            today.isoformat(),
            tally.summary(),
        )
    return results
