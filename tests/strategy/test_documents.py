"""Documents of an action sheet: accepted types checked by extension and content, size limit,
download through a view that checks access, never a public address."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ActionSheetFactory, StrategyFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.strategy import sheets
from tranquillite.strategy.models import SheetDocument

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODT = b"application/vnd.oasis.opendocument.text"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sheet(territory):
    return ActionSheetFactory(
        axis__strategy=StrategyFactory(territory=territory), title="Projet jeunes–police"
    )


def upload(client, sheet, name, content, title="Convention 2026"):
    return client.post(
        reverse("strategy:document_upload", args=[sheet.public_id]),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def test_a_pdf_is_stored_under_media_and_listed_on_the_sheet(sheet, coordinator, client_for, media):
    client = client_for(coordinator)
    response = upload(client, sheet, "Convention de partenariat.pdf", PDF)
    assert response.status_code == 302
    document = SheetDocument.objects.get()
    assert (document.sheet, document.title, document.uploaded_by) == (
        sheet,
        "Convention 2026",
        coordinator,
    )
    stored = media / document.file.name
    assert stored.read_bytes() == PDF
    assert stored.parent.name == str(document.public_id)
    page = client.get(reverse("strategy:sheet", args=[sheet.public_id])).content.decode()
    assert reverse("strategy:document", args=[document.public_id]) in page
    # The page links the checking view, never the file's place on the disk.
    assert document.file.name not in page
    assert "aucune donnée personnelle sur les personnes suivies" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", EXE),  # an executable renamed .pdf
        ("photo.png", PDF),  # a PDF renamed .png
        ("bilan.docx", zipped({"payload.exe": EXE})),  # a zip that is no Word file
        ("tableau.ods", zipped({"mimetype": ODT})),  # a text document named as a spreadsheet
        ("bilan.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(
    sheet, coordinator, client_for, media, name, content
):
    response = upload(client_for(coordinator), sheet, name, content)
    assert response.status_code == 400
    assert "son contenu ne correspond pas à son nom" in response.content.decode()
    assert not SheetDocument.objects.exists()
    assert not any(media.rglob("*.*"))


def test_other_types_and_oversized_files_are_refused(sheet, coordinator, client_for, media):
    client = client_for(coordinator)
    exe = upload(client, sheet, "setup.exe", EXE)
    assert "Seuls les fichiers PDF, ODT, ODS, DOCX, XLSX, PNG et JPEG sont acceptés." in (
        exe.content.decode()
    )
    big = upload(client, sheet, "gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert "Un document ne peut pas dépasser 10 Mo." in big.content.decode()
    assert (exe.status_code, big.status_code) == (400, 400)
    assert not SheetDocument.objects.exists()
    assert not any(media.rglob("*.*"))


def test_office_and_image_files_that_are_what_they_say_are_accepted(sheet, coordinator, client_for):
    client = client_for(coordinator)
    files = [
        ("bilan.docx", zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})),
        ("budget.xlsx", zipped({"xl/workbook.xml": b"<x/>"})),
        ("note.odt", zipped({"mimetype": ODT})),
        ("tableau.ods", zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
        ("carte.PNG", PNG),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    ]
    for name, content in files:
        assert upload(client, sheet, name, content, title=name).status_code == 302, name
    assert SheetDocument.objects.count() == len(files)


def test_download_is_an_attachment_with_the_name_safely_encoded(
    sheet, coordinator, territory, client_for
):
    document = sheets.add_document(
        actor=coordinator,
        sheet=sheet,
        title="Bilan",
        upload=SimpleUploadedFile('../../Bilan "été" 2026.pdf', PDF),
    )
    reader = member(territory, Role.PARTNER_MEMBER)
    response = client_for(reader).get(reverse("strategy:document", args=[document.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=utf-8''" in disposition
    assert "%C3%A9t%C3%A9" in disposition
    assert ".." not in disposition and "/" not in disposition.split("''", 1)[1]
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join(response.streaming_content) == PDF


def test_another_territory_gets_404_and_strangers_are_sent_to_sign_in(
    sheet, coordinator, other_territory, client_for, client
):
    document = sheets.add_document(
        actor=coordinator, sheet=sheet, title="Bilan", upload=SimpleUploadedFile("b.pdf", PDF)
    )
    url = reverse("strategy:document", args=[document.public_id])
    stranger = client_for(member(other_territory, Role.COORDINATOR))
    assert stranger.get(url).status_code == 404
    assert (
        stranger.post(reverse("strategy:document_delete", args=[document.public_id])).status_code
        == 404
    )
    assert (
        stranger.post(
            reverse("strategy:document_upload", args=[sheet.public_id]),
            {"title": "x", "file": SimpleUploadedFile("x.pdf", PDF)},
        ).status_code
        == 404
    )
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/compte/login/" in anonymous["Location"]
    assert SheetDocument.objects.count() == 1


def test_only_managers_upload_and_delete(
    sheet, coordinator, territory, client_for, media, django_capture_on_commit_callbacks
):
    official = client_for(member(territory, Role.ELECTED_OFFICIAL))
    assert upload(official, sheet, "a.pdf", PDF).status_code == 403
    document = sheets.add_document(
        actor=coordinator, sheet=sheet, title="Bilan", upload=SimpleUploadedFile("b.pdf", PDF)
    )
    delete_url = reverse("strategy:document_delete", args=[document.public_id])
    assert official.post(delete_url).status_code == 403
    page = official.get(reverse("strategy:sheet", args=[sheet.public_id])).content.decode()
    assert delete_url not in page and "Ajouter un document" not in page
    with pytest.raises(PermissionDenied):
        sheets.delete_document(actor=member(territory, Role.PARTNER_MEMBER), document=document)

    stored = media / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(coordinator).post(delete_url).status_code == 302
    assert not SheetDocument.objects.exists()
    assert not stored.exists()
