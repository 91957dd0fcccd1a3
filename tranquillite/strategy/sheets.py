"""Every write of an action sheet: its fields, partners with their roles, budget lines and
documents. Each service takes the acting user, checks `strategy.manage_strategy` and raises
`ValidationError` with a French-ready message for a business rule. The change history is kept
by django-auditlog (strategy/history.py), so writes go through `save()` and `delete()` one row
at a time, never `bulk_create` or `QuerySet.update`."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.strategy.budget import budget_by_year
from tranquillite.strategy.models import (
    ActionSheet,
    Axis,
    BudgetLine,
    Funder,
    SheetDocument,
    SheetPartner,
    SheetStatus,
)

MANAGE = "strategy.manage_strategy"


def _require_manage(actor: Any, territory: Territory) -> None:
    if not actor.has_perm(MANAGE, territory):
        raise PermissionDenied(MANAGE)


# --- The sheet and its partners -------------------------------------------------------------


@transaction.atomic
def withdraw_sheet(*, actor: Any, sheet: ActionSheet, reason: str) -> ActionSheet:
    """Withdraw a sheet entered by mistake, with its reason (kept in the change history)."""
    _require_manage(actor, sheet.territory)
    if sheet.withdrawn_on is not None:
        raise ValidationError(_("This action sheet is already withdrawn."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the withdrawal."))
    sheet.withdrawn_on = timezone.localdate()
    sheet.withdrawal_reason = reason.strip()
    sheet.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    return sheet


@dataclass(frozen=True)
class SheetData:
    axis: Axis
    number: str
    title: str
    lead: Organisation
    finding: str = ""
    objectives: str = ""
    target_public: str = ""
    calendar: str = ""
    status: str = SheetStatus.PLANNED
    next_review_on: Any = None
    neighbourhoods: Sequence[Neighbourhood] = ()


@dataclass(frozen=True)
class PartnerData:
    organisation: Organisation
    role: str = ""


def _check_partners(lead: Organisation, partners: Sequence[PartnerData]) -> None:
    seen: set[int] = set()
    for partner in partners:
        if partner.organisation.pk == lead.pk:
            raise ValidationError(
                _("%(name)s leads this sheet: it cannot also be one of its partners.")
                % {"name": partner.organisation.name}
            )
        if partner.organisation.pk in seen:
            raise ValidationError(
                _("%(name)s is listed twice among the partners.")
                % {"name": partner.organisation.name}
            )
        seen.add(partner.organisation.pk)


def _check_same_territory(territory: Territory, records: Iterable[Any]) -> None:
    if any(record.territory_id != territory.pk for record in records):
        raise ValidationError(_("Every organisation and neighbourhood must be of this territory."))


@transaction.atomic
def save_sheet(
    *,
    actor: Any,
    data: SheetData,
    partners: Sequence[PartnerData],
    sheet: ActionSheet | None = None,
) -> ActionSheet:
    """Create (`sheet=None`) or update an action sheet with its neighbourhoods and partners.

    Partners are kept in step one link at a time (a role changed is an update, an organisation
    dropped is a deletion), so that the history says what changed."""
    territory = data.axis.territory
    _require_manage(actor, territory)
    if sheet is not None and sheet.territory_id != territory.pk:
        raise ValidationError(_("This area belongs to another territory."))
    if sheet is not None:
        # Read from the database: a form may already have changed the instance's axis.
        strategy_id = (
            ActionSheet.objects.filter(pk=sheet.pk)
            .values_list("axis__strategy_id", flat=True)
            .first()
        )
        if strategy_id != data.axis.strategy_id:
            raise ValidationError(_("A sheet stays in its strategy: choose an area of it."))
    _check_same_territory(
        territory,
        [data.lead, *data.neighbourhoods, *(p.organisation for p in partners)],
    )
    _check_partners(data.lead, partners)
    number = data.number.strip()
    clash = ActionSheet.objects.filter(axis=data.axis, number__iexact=number)
    if sheet is not None:
        clash = clash.exclude(pk=sheet.pk)
    if clash.exists():
        raise ValidationError(
            {
                "number": _("Area %(axis)s already has a sheet numbered %(number)s.")
                % {"axis": data.axis.number, "number": number}
            }
        )
    if sheet is None:
        sheet = ActionSheet(territory=territory)
    sheet.axis = data.axis
    sheet.number = number
    sheet.title = data.title.strip()
    sheet.lead = data.lead
    sheet.finding = data.finding.strip()
    sheet.objectives = data.objectives.strip()
    sheet.target_public = data.target_public.strip()
    sheet.calendar = data.calendar.strip()
    sheet.status = data.status
    sheet.next_review_on = data.next_review_on
    sheet.full_clean(exclude=["progress"], validate_unique=False, validate_constraints=False)
    sheet.save()
    sheet.neighbourhoods.set(data.neighbourhoods)
    _sync_partners(sheet, partners)
    return sheet


def _sync_partners(sheet: ActionSheet, partners: Sequence[PartnerData]) -> None:
    wanted = {p.organisation.pk: p for p in partners}
    for link in list(SheetPartner.objects.filter(sheet=sheet)):
        partner = wanted.pop(link.organisation_id, None)
        if partner is None:
            link.delete()
        elif link.role != partner.role.strip():
            link.role = partner.role.strip()
            link.save(update_fields=["role"])
    for partner in partners:
        if partner.organisation.pk in wanted:
            SheetPartner.objects.create(
                territory=sheet.territory,
                sheet=sheet,
                organisation=partner.organisation,
                role=partner.role.strip(),
            )


# --- Budget ---------------------------------------------------------------------------------


@dataclass
class LineData:
    year: int
    funder: str
    amount: Decimal


def fipd_refusals(lines: Iterable[LineData]) -> list[str]:
    """One sentence per year where the FIPD would pay more than half (strategy/budget.py)."""
    return [
        _(
            "In %(year)s the FIPD would pay %(fipd)s € of %(total)s € (%(share)s %%): it may "
            "pay at most half, so the other funders must bring at least %(needed)s € more."
        )
        % {
            "year": year.year,
            "fipd": _money(year.fipd),
            "total": _money(year.total),
            "share": number_format(year.fipd_share * 100, 1),
            "needed": _money(2 * year.fipd - year.total),
        }
        for year in budget_by_year(lines)
        if not year.respects_fipd_rule
    ]


def _money(amount: Decimal) -> str:
    return number_format(amount, 2, force_grouping=True)


@transaction.atomic
def save_budget(*, actor: Any, sheet: ActionSheet, lines: Sequence[LineData]) -> None:
    """Replace the sheet's budget by `lines` (one per year and funder), refused as a whole
    when a year breaks the FIPD co-funding rule: nothing is written then. A saved line whose
    year and funder come back is updated, so that the history shows the amount's change."""
    _require_manage(actor, sheet.territory)
    keys = [(line.year, line.funder) for line in lines]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("One budget line per funder and year."))
    for line in lines:
        if line.amount < 0:
            raise ValidationError(_("An amount cannot be negative."))
        if line.funder not in Funder.values:
            raise ValidationError(_("Unknown funder."))
    refusals = fipd_refusals(lines)
    if refusals:
        raise ValidationError(refusals)
    saved: dict[tuple[int, str], BudgetLine] = {}
    for row in BudgetLine.objects.filter(sheet=sheet).order_by("pk"):
        if (row.year, row.funder) in saved:
            row.delete()
        else:
            saved[row.year, row.funder] = row
    for line in lines:
        key = (line.year, line.funder)
        if key in saved:
            row = saved.pop(key)
            if row.amount == line.amount:
                continue
        else:
            row = BudgetLine(
                territory=sheet.territory, sheet=sheet, year=line.year, funder=line.funder
            )
        row.amount = line.amount
        row.full_clean()
        row.save()
    for row in saved.values():
        row.delete()


# --- Documents ------------------------------------------------------------------------------

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024

# Extension -> what the file must be inside, and the type it is sent back with.
ZIP_MAGIC = b"PK\x03\x04"
DOCUMENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
_OFFICE_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def _zip_holds(file: IO[bytes], extension: str) -> bool:
    """An OpenDocument file names its type in its first entry `mimetype`; an Office Open XML
    one holds its main part. Only the archive's directory and that tiny entry are read."""
    try:
        with zipfile.ZipFile(file) as archive:
            if extension in _OFFICE_PART:
                return _OFFICE_PART[extension] in archive.namelist()
            info = archive.getinfo("mimetype")
            if info.file_size > 100:
                return False
            return archive.read(info).strip() == DOCUMENT_TYPES[extension].encode()
    # Each of these means "not the document it claims to be": a broken archive (BadZipFile,
    # OSError), no `mimetype` entry (KeyError), an encrypted entry (RuntimeError) or one
    # compressed with a method zipfile cannot read (NotImplementedError) — never a stub.
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return False


def content_matches(file: IO[bytes], extension: str) -> bool:
    """Whether the bytes are what the extension says (its magic number, and for zipped
    formats what the archive holds): an executable renamed .pdf is refused."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head == b"\x89PNG\r\n\x1a\n"
    if extension in {".jpg", ".jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if extension in {".odt", ".ods", ".docx", ".xlsx"}:
        matches = head.startswith(ZIP_MAGIC) and _zip_holds(file, extension)
        file.seek(0)
        return matches
    return False


def check_upload(upload: UploadedFile[bytes]) -> str:
    """The upload's extension, lower case, once its size, name and content are acceptable."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Only PDF, ODT, ODS, DOCX, XLSX, PNG and JPEG files are accepted."),
            code="extension",
        )
    if upload.size is None or upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(_("A document may not exceed 10 MB."), code="size")
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="empty")
    if upload.file is None or not content_matches(upload.file, extension):
        raise ValidationError(
            _("This file is not really a %(kind)s document: its content does not match its name.")
            % {"kind": extension[1:].upper()},
            code="content",
        )
    return extension


def safe_file_name(name: str, extension: str) -> str:
    """The original name without its folders, kept short; the storage strips the rest."""
    stem = PurePath(name.replace("\\", "/")).stem.strip() or "document"
    return f"{stem[:120]}{extension}"


@transaction.atomic
def add_document(
    *, actor: Any, sheet: ActionSheet, title: str, upload: UploadedFile[bytes]
) -> SheetDocument:
    _require_manage(actor, sheet.territory)
    extension = check_upload(upload)
    if not title.strip():
        raise ValidationError(_("A document needs a title."))
    upload.name = safe_file_name(upload.name or "", extension)
    document = SheetDocument(
        territory=sheet.territory, sheet=sheet, title=title.strip(), uploaded_by=actor
    )
    document.file.save(upload.name, upload, save=False)
    name = document.file.name
    # The file is written before the row: if the row cannot be saved, do not leave it behind.
    try:
        document.save()
    except Exception:
        if name:
            document.file.storage.delete(name)
        raise
    return document


@transaction.atomic
def delete_document(*, actor: Any, document: SheetDocument) -> None:
    _require_manage(actor, document.territory)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def download_name(document: SheetDocument) -> str:
    return PurePath(document.file.name or "document").name


def content_type(document: SheetDocument) -> str:
    return DOCUMENT_TYPES.get(
        PurePath(document.file.name or "").suffix.lower(), "application/octet-stream"
    )


def document_for(user: Any, territory: Territory, public_id: Any) -> SheetDocument | None:
    """A document of the territory's sheets (every member may read them), or None."""
    return (
        SheetDocument.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related("sheet")
        .first()
    )
