"""A mediator on a phone (360×740): clocks in, loses the network, logs three entries that
wait on the phone, reloads the page with no network (they are still waiting), gets the
network back: exactly three entries reach the server, even though the page sends them again
after answers lost on the way. A refused entry stays on the phone with its reason. Each
screen is looked at and checked with axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.field.models import LogEntry, Shift

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}
ENTRIES = "**/api/v1/field/shifts/*/entries/batch"


def _log(tab, category: str, place: str, photo: Path | None = None) -> None:
    tab.locator("#id_neighbourhood").select_option(label=place)
    if photo is not None:
        tab.locator("#id_photo").set_input_files(photo)
    tab.locator("#id_category").select_option(category)
    tab.locator("#id_group_size").fill("3")
    tab.get_by_role("button", name="Enregistrer la saisie").click()


def test_entries_wait_offline_and_reach_the_server_once(
    demo, new_tab, request, expected_refusals, tmp_path
):
    # The entry dated tomorrow, at the end, is refused by the API on purpose (422).
    expected_refusals.append(r"/api/v1/field/shifts/[^/]+/entries/batch$")
    tab = new_tab(PHONE_360)
    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    tab.goto("/terrain/")
    expect(tab.locator("main h1")).to_have_text("Ma vacation")
    tab.locator("#id_sector").select_option(label="Quatre-Chemins")
    check(tab, request, "clock-in")
    tab.get_by_role("button", name="Prendre mon service").click()
    expect(tab.locator("#shift-title")).to_contain_text("Quatre-Chemins")
    # The service worker takes control, then keeps the page for the offline reload.
    tab.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    tab.reload()
    tab.wait_for_function("() => navigator.serviceWorker.controller !== null")
    expect(tab.locator("#field-network")).to_contain_text("Connecté")
    check(tab, request, "shift-online")

    _go_offline(tab)
    expect(tab.locator("#field-network")).to_contain_text("Pas de réseau")
    _log(tab, "young_people", "Quatre-Chemins")
    _log(tab, "neighbour_conflict", "Hoche")
    # The broken street light, with a photo carrying a GPS tag.
    photo = tmp_path / "lampadaire.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 54.0, 4.0), 3: "E", 4: (2.0, 23.0, 36.0)})
    Image.new("RGB", (800, 600), "#556b2f").save(photo, format="JPEG", exif=exif)
    _log(tab, "equipment", "Quatre-Chemins", photo)
    queued = tab.locator("#outbox li")
    expect(queued).to_have_count(3)
    expect(queued.first).to_contain_text("en attente d’envoi")
    check(tab, request, "three-waiting-offline")

    # Reloaded offline, the page's live banner polls on load: it must not try the network
    # (tranquillite.js), which the browser would report as a failed request.
    tab.reload()
    expect(tab.locator("#shift-title")).to_contain_text("Quatre-Chemins")
    expect(tab.locator("#outbox li")).to_have_count(3)
    expect(tab.locator("#outbox")).to_contain_text("Groupe de jeunes")
    check(tab, request, "reloaded-offline")
    today = Shift.objects.get(started_at__isnull=False, ended_at__isnull=True)
    assert LogEntry.objects.filter(shift=today).count() == 0

    # The queue leaves in one batch, whose first answer is lost on the way back: the server
    # saved the three entries, the page does not know it and sends them again (same
    # client_uuid each).
    batches: list[list[str]] = []

    def lose_first_answer(route):
        sent_now = [entry["client_uuid"] for entry in route.request.post_data_json["entries"]]
        response = route.fetch()
        batches.append(sent_now)
        if len(batches) == 1:
            route.abort("aborted")
        else:
            route.fulfill(response=response)

    tab.context.route(ENTRIES, lose_first_answer)
    tab.context.set_offline(False)
    expect(tab.locator("#field-network")).to_contain_text("Connecté")
    # The page retries on its own (every 20 s); the test does not wait that long.
    tab.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(tab.locator("#outbox li")).to_have_count(0, timeout=30_000)
    expect(tab.locator("#sent li")).to_have_count(3)
    assert len(batches) == 2 and len(batches[0]) == 3  # the three in one request
    assert batches[1] == batches[0]  # the resend: the same identifiers, no second entries
    assert LogEntry.objects.filter(shift=today).count() == 3
    with_photo = LogEntry.objects.filter(shift=today).exclude(photo="").get()
    assert with_photo.category == "equipment"
    assert not Image.open(with_photo.photo).getexif()
    tab.context.unroute(ENTRIES)
    check(tab, request, "all-sent")

    # A refusal stays on the phone, with its reason, until the mediator removes it.
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    tab.locator("#id_occurred_at").fill(tomorrow)
    _log(tab, "nuisance", "Hoche")
    refused = tab.locator("#outbox li")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("refusée")
    expect(refused).to_contain_text("futur")
    check(tab, request, "refused")
    tab.reload()
    expect(tab.locator("#outbox li")).to_contain_text("futur")
    tab.get_by_role("button", name="Retirer de la file").click()
    expect(tab.locator("#outbox li")).to_have_count(0)
    assert LogEntry.objects.filter(shift=today).count() == 3


def test_the_supervisor_validates_the_day(demo, new_tab, request):
    tab = new_tab(PHONE_360)
    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    tab.goto("/terrain/")
    tab.get_by_role("link", name="La journée de l’équipe").click()
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    tab.locator("#day-date").fill(day)
    tab.get_by_role("button", name="Afficher", exact=True).click()
    expect(tab.locator("main h1")).to_contain_text("Médiation sociale")
    expect(tab.locator("main table").first).to_be_visible()
    # Yesterday evening's three crews are still to validate.
    expect(tab.get_by_role("button", name="Valider la vacation")).to_have_count(3)
    check(tab, request, "supervisor-day")
    tab.get_by_role("button", name="Valider la vacation").first.click()
    expect(tab.locator(".tq-messages")).to_contain_text("Vacation validée.")
    expect(tab.get_by_role("button", name="Valider la vacation")).to_have_count(2)
    expect(tab.locator("main")).to_contain_text("Validée le")
    check(tab, request, "supervisor-validated")


def test_the_supervisor_reads_and_erases_a_note_that_names_someone(demo, new_tab, request):
    from tranquillite.field.guards import note_warnings

    yesterday = timezone.localdate() - timedelta(days=1)
    entry = LogEntry.objects.filter(
        shift__date=yesterday, team__supervisor__email="mediation@pantin.test"
    ).first()
    assert entry is not None
    entry.note = "Mme Durand a rappelé au 06 12 34 56 78"
    entry.note_warnings = note_warnings(entry.author, entry.territory, entry.note)
    entry.save(update_fields=["note", "note_warnings"])
    tab = new_tab(PHONE_360)
    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    tab.goto(f"/terrain/journee/?date={yesterday.isoformat()}&equipe={entry.team.public_id}")
    expect(tab.locator("main")).not_to_contain_text("Durand")
    tab.get_by_role("link", name="Note signalée : la lire (la lecture est enregistrée)").click()
    expect(tab.locator("main blockquote")).to_have_text(entry.note)
    check(tab, request, "flagged-note")
    tab.get_by_role("button", name="Effacer la note").click()
    expect(tab.locator(".tq-messages")).to_contain_text("Note effacée.")
    expect(tab.locator("main")).to_contain_text("Note effacée par le superviseur")
    check(tab, request, "note-erased")
    entry.refresh_from_db()
    assert entry.note == ""


def test_the_director_sees_the_month_on_a_map_and_in_tables(demo, new_tab, request):
    tab = new_tab()
    sign_in(tab, "direction@pantin.test")
    tab.get_by_role("link", name="Carte du terrain").click()
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    tab.locator("#map-month").fill(last_month)
    tab.get_by_role("button", name="Afficher", exact=True).click()
    rows = tab.locator("#tq-field-cells-table tbody tr")
    expect(rows.first).to_be_visible()
    # One hexagon on the map for each row of the table: the same numbers.
    expect(tab.locator("#tq-field-map path.leaflet-interactive")).to_have_count(rows.count())
    check(tab, request, "map")


def test_an_entry_queued_before_the_session_ended_leaves_after_signing_in_again(
    demo, new_tab, request, expected_refusals
):
    # The send while signed out is refused (no session): that refusal is the point.
    expected_refusals.append(r"/api/v1/field/shifts/[^/]+/entries/batch$")
    tab = new_tab(PHONE_360)
    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    tab.goto("/terrain/")
    tab.locator("#id_sector").select_option(label="Hoche")
    tab.get_by_role("button", name="Prendre mon service").click()
    expect(tab.locator("#shift-title")).to_contain_text("Hoche")

    _go_offline(tab)
    _log(tab, "young_people", "Hoche")
    expect(tab.locator("#outbox li")).to_have_count(1)
    # The session ends while the phone is offline (30 minutes idle, or signed out elsewhere).
    tab.context.clear_cookies()
    tab.context.set_offline(False)
    tab.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(tab.locator("#outbox li")).to_contain_text("Reconnectez-vous")

    # Signing in again gives a new CSRF token: the entry leaves with it, not the old one.
    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    tab.goto("/terrain/")
    expect(tab.locator("#outbox li")).to_have_count(0, timeout=30_000)
    shift = Shift.objects.get(started_at__isnull=False, ended_at__isnull=True)
    assert LogEntry.objects.filter(shift=shift).count() == 1
    check(tab, request, "sent-after-signing-in-again")


def _go_offline(tab) -> None:
    # The page's first background requests (the live banner's poll on load) finish before
    # the network drops: one cut in flight would be a failure of this test's timing, not of
    # the page; the banner never polls while the phone knows it is offline (tranquillite.js).
    tab.wait_for_load_state("networkidle")
    tab.context.set_offline(True)


# What the phone's queue holds, read without the page's scripts (the sign-in page has none).
_READ_QUEUE = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("tranquillite-field", 1);
  opening.onupgradeneeded = () =>
    opening.result.createObjectStore("outbox", { keyPath: "client_uuid" });
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const reading = opening.result.transaction("outbox").objectStore("outbox").getAll();
    reading.onsuccess = () => { opening.result.close(); resolve(reading.result); };
    reading.onerror = () => reject(reading.error);
  };
})"""


def _queued(tab) -> list[dict]:
    return tab.evaluate(_READ_QUEUE)


def test_signing_out_of_a_shared_phone_leaves_nothing_behind(demo, new_tab, request):
    """Signing out warns about entries still waiting, then clears the queue and the service
    worker's cache; an entry queued by another account is shown but never sent."""
    tab = new_tab(PHONE_360)
    sign_in(tab, "mediation@pantin.test", totp_secret=None)
    tab.goto("/terrain/")
    tab.locator("#id_sector").select_option(label="Hoche")
    tab.get_by_role("button", name="Prendre mon service").click()
    tab.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    # The server cannot be reached for entries: the one logged waits on the phone.
    tab.context.route(ENTRIES, lambda route: route.abort("aborted"))
    _log(tab, "young_people", "Hoche")
    expect(tab.locator("#outbox li")).to_contain_text("en attente d’envoi")
    [waiting] = _queued(tab)
    author = tab.locator("#outbox").get_attribute("data-author")
    assert waiting["author"] == author
    check(tab, request, "waiting-before-sign-out")

    # First the mediator changes her mind: nothing is cleared, she stays signed in.
    warnings: list[str] = []

    def dismiss(dialog):
        warnings.append(dialog.message)
        dialog.dismiss()

    tab.once("dialog", dismiss)
    tab.get_by_role("button", name="Se déconnecter de ce téléphone").click()
    for _ in range(100):  # the page first tries to send, then asks
        if warnings:
            break
        tab.wait_for_timeout(100)
    expect(tab.locator("#outbox li")).to_have_count(1)
    assert ": 1." in warnings[0] and "supprime" in warnings[0]
    assert len(_queued(tab)) == 1

    # Then she signs out: the queue, the cache and the worker are gone.
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.get_by_role("button", name="Se déconnecter de ce téléphone").click()
    tab.wait_for_url("**/compte/login/**")
    assert _queued(tab) == []
    assert tab.evaluate("() => caches.keys()") == []
    assert (
        tab.evaluate("() => navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    )
    tab.context.unroute(ENTRIES)
    check(tab, request, "signed-out")

    # An entry another account left on the phone is shown to the next one, never sent.
    sign_in(tab, "gardes@pantin.test", totp_secret=None)
    tab.goto("/terrain/")
    tab.evaluate(
        """(author) => idb.openDB('tranquillite-field', 1).then((db) => db.put('outbox', {
            client_uuid: crypto.randomUUID(), author: author, url: '/api/v1/field/x',
            payload: {occurred_at: new Date().toISOString()}, label: 'Groupe de jeunes',
            state: 'waiting', reason: '', queued_at: new Date().toISOString()}))""",
        author,
    )
    sent: list[str] = []
    tab.on("request", lambda req: sent.append(req.url) if "/api/v1/field/" in req.url else None)
    tab.reload()
    expect(tab.locator("#outbox li")).to_contain_text("un autre compte")
    tab.evaluate("() => window.dispatchEvent(new Event('online'))")
    tab.wait_for_timeout(1000)
    assert not [url for url in sent if url.endswith("/x")]
    check(tab, request, "other-accounts-entry")
