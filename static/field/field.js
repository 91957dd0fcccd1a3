/* Tranquillité — the field page on a phone: entries wait in IndexedDB (through idb, from
 * npm) while there is no network and leave by themselves when it comes back.
 *
 * Each entry gets its own identifier (client_uuid): a resend after a lost answer finds the
 * entry already saved on the server and never makes a second one. The queue leaves in
 * batches, one request for up to 50 entries, each answered on its own. An entry the server refuses stays on the phone, shown with the reason, until the user
 * removes it: nothing is dropped silently. No inline script: the page's CSP stays strict.
 *
 * A phone may be shared: each queued entry carries its author (the account that queued it)
 * and is only ever sent while that account is signed in. Signing out from this page sends
 * what it can, warns when entries are still waiting, then clears the queue, the service
 * worker's cache and the worker itself, so the next person finds nothing of the previous. */
(function () {
  "use strict";

  const form = document.getElementById("entry-form");
  const outbox = document.getElementById("outbox");
  const empty = document.getElementById("outbox-empty");
  const sent = document.getElementById("sent");
  const network = document.getElementById("field-network");
  const STORE = "outbox";
  // The signed-in account: entries queued by another account on this phone are never sent.
  const author = outbox ? outbox.dataset.author || "" : "";
  let flushing = false;
  // After an answer lost on the way (or a network that does not answer), try again soon,
  // then less and less often; a success starts over.
  const FIRST_RETRY_MS = 3000;
  let retryDelay = FIRST_RETRY_MS;
  let retryTimer = null;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  }

  const database = window.idb.openDB("tranquillite-field", 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: "client_uuid" });
    },
  });

  function newIdentifier() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function localNow() {
    const now = new Date();
    now.setSeconds(0, 0);
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  function freshForm() {
    if (!form) return;
    // A page opened from the phone's cache carries an old identifier: never reuse one.
    form.elements.client_uuid.value = newIdentifier();
    form.elements.occurred_at.value = localNow();
  }

  function labelOf(name) {
    const label = form && form.querySelector(`label[for="id_${name}"]`);
    // The label's own words, without the "required" mark that follows them.
    return label && label.firstChild ? label.firstChild.textContent.trim() : "";
  }

  function optionText(name, value) {
    const field = form && form.elements[name];
    if (!field || !field.options) return value;
    const option = Array.from(field.options).find((o) => o.value === value);
    return option ? option.textContent.trim() : value;
  }

  function payloadOf() {
    const data = new FormData(form);
    const number = (value) => (value === "" || value === null ? null : Number(value));
    const latitude = number(data.get("latitude"));
    return {
      client_uuid: data.get("client_uuid"),
      occurred_at: new Date(data.get("occurred_at")).toISOString(),
      neighbourhood: data.get("neighbourhood") || null,
      latitude: latitude,
      longitude: number(data.get("longitude")),
      location_source: latitude === null ? "list" : "device",
      function: data.get("function"),
      category: data.get("category"),
      age_band: data.get("age_band"),
      sex: data.get("sex"),
      group_size: number(data.get("group_size")),
      action: data.get("action"),
      partner: data.get("partner"),
      outcome: data.get("outcome"),
      follow_up_needed: data.get("follow_up_needed") === "on",
      note: data.get("note") || "",
    };
  }

  function describe(item) {
    const time = item.payload.occurred_at ? new Date(item.payload.occurred_at) : null;
    const hour = time && !isNaN(time) ? time.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" }) : "";
    return `${hour} — ${item.label}`;
  }

  async function render() {
    const db = await database;
    const items = await db.getAll(STORE);
    items.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
    outbox.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.className = `tq-field-queued tq-field-${item.state}`;
      li.dataset.clientUuid = item.client_uuid;
      const text = document.createElement("span");
      const mine = item.author === author;
      let state = item.state === "refused" ? outbox.dataset.refused : outbox.dataset.waiting;
      if (!mine) state = outbox.dataset.otherAccount;
      text.textContent = `${describe(item)} — ${state}`;
      li.appendChild(text);
      if (item.reason) {
        const reason = document.createElement("span");
        reason.className = "d-block small";
        reason.textContent = item.reason;
        li.appendChild(reason);
      }
      if (item.state === "refused" || !mine) {
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-outline-danger mt-1";
        remove.textContent = outbox.dataset.remove;
        remove.addEventListener("click", async () => {
          await (await database).delete(STORE, item.client_uuid);
          render();
        });
        li.appendChild(remove);
      }
      outbox.appendChild(li);
    }
    empty.hidden = items.length > 0;
  }

  function showNetwork() {
    network.textContent = navigator.onLine ? network.dataset.online : network.dataset.offline;
    network.classList.toggle("tq-field-offline", !navigator.onLine);
  }

  function reasonOf(body) {
    const errors = (body && body.errors) || [];
    return errors
      .map((error) => {
        const label = labelOf(error.field);
        return label ? `${label} : ${error.message}` : error.message;
      })
      .join(" ");
  }

  function addSent(item, entry) {
    if (!sent) return;
    const li = document.createElement("li");
    li.textContent = `${describe(item)} — ${entry.neighbourhood}`;
    for (const warning of entry.warnings || []) {
      const span = document.createElement("span");
      span.className = "d-block small text-warning-emphasis";
      span.textContent = warning;
      li.appendChild(span);
    }
    sent.prepend(li);
  }

  // The CSRF token of the page that sends, not the one of the page that queued: signing in
  // again rotates it, and an entry queued before would otherwise be refused for ever.
  function csrfToken(item) {
    const field = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : item.csrf;
  }

  async function sendPhoto(item) {
    const body = new FormData();
    body.append("photo", item.photo, "photo.jpg");
    let response;
    try {
      response = await fetch(item.photo_url.replace(/0{8}-0{4}-0{4}-0{4}-0{12}/, item.entry_id), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(item) },
        body: body,
      });
    } catch (error) {
      return "offline";
    }
    const db = await database;
    if (response.ok) {
      await db.delete(STORE, item.client_uuid);
      return "sent";
    }
    if (response.status === 401 || response.status === 403) {
      await db.put(STORE, { ...item, reason: outbox.dataset.signedOut });
      return "stop";
    }
    if (response.status === 429 || response.status >= 500) return "stop";
    let answer = null;
    try {
      answer = await response.json();
    } catch (error) {
      answer = null;
    }
    await db.put(STORE, { ...item, state: "refused", reason: reasonOf(answer) });
    return "refused";
  }

  // Entries leave in batches (the API's /entries/batch, 100 at most): a phone that stayed
  // offline all evening sends its queue in one or two requests, not one per entry.
  const BATCH_SIZE = 50;

  async function sendBatch(url, items) {
    let response;
    try {
      response = await fetch(`${url}/batch`, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(items[0]),
        },
        body: JSON.stringify({ entries: items.map((item) => item.payload) }),
      });
    } catch (error) {
      return "offline";
    }
    const db = await database;
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (response.status === 401 || response.status === 403) {
      // Signed out, or the page's token expired: the entries wait for the next sign-in.
      for (const item of items) {
        await db.put(STORE, { ...item, reason: outbox.dataset.signedOut });
      }
      return "stop";
    }
    if (response.status === 429 || response.status >= 500) return "stop";
    if (response.status !== 200 || !body || !Array.isArray(body.results)) {
      // The whole batch refused (the shift was validated meanwhile, say): each entry stays
      // on the phone with the reason.
      for (const item of items) {
        await db.put(STORE, { ...item, state: "refused", reason: reasonOf(body) });
      }
      return "refused";
    }
    // One answer per entry: saved now, already saved (a resend after a lost answer: never
    // a second entry), or refused with its reason.
    const answers = new Map(body.results.map((answer) => [String(answer.client_uuid), answer]));
    let result = "sent";
    for (const item of items) {
      const answer = answers.get(item.client_uuid);
      if (!answer) {
        result = "offline"; // not answered: it stays waiting and leaves with the next try
        continue;
      }
      if (answer.status === "refused") {
        await db.put(STORE, { ...item, state: "refused", reason: reasonOf(answer) });
        continue;
      }
      const entry = answer.entry || {};
      addSent(item, entry);
      if (item.photo && entry.id) {
        // The entry is saved; its photo waits in the queue until it is sent too.
        const next = { ...item, entry_id: entry.id, label: `${item.label} — ${item.photo_label}` };
        await db.put(STORE, next);
        const photo = await sendPhoto(next);
        if (photo === "stop") return "stop";
        if (photo === "offline") result = "offline";
        continue;
      }
      await db.delete(STORE, item.client_uuid);
    }
    return result;
  }

  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    try {
      const db = await database;
      const items = (await db.getAll(STORE)).filter(
        (item) => item.state === "waiting" && item.author === author
      );
      items.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
      let unsent = false;
      // Photos of entries already saved go one by one; entries go by shift, in batches.
      const byShift = new Map();
      for (const item of items) {
        if (item.entry_id) {
          const result = await sendPhoto(item);
          if (result === "stop") return;
          unsent = unsent || result === "offline";
        } else {
          if (!byShift.has(item.url)) byShift.set(item.url, []);
          byShift.get(item.url).push(item);
        }
      }
      for (const [url, queued] of byShift) {
        for (let start = 0; start < queued.length; start += BATCH_SIZE) {
          const result = await sendBatch(url, queued.slice(start, start + BATCH_SIZE));
          if (result === "stop") return;
          unsent = unsent || result === "offline";
        }
      }
      if (unsent) {
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 60000);
      } else {
        retryDelay = FIRST_RETRY_MS;
      }
    } finally {
      flushing = false;
      await render();
    }
  }

  if (form) {
    freshForm();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const payload = payloadOf();
      const item = {
        client_uuid: payload.client_uuid,
        author: author,
        url: form.dataset.api,
        csrf: form.elements.csrfmiddlewaretoken.value,
        payload: payload,
        label: optionText("category", payload.category),
        // The photo travels as a Blob in IndexedDB, sent once its entry exists on the server.
        photo: form.elements.photo && form.elements.photo.files[0] ? form.elements.photo.files[0] : null,
        entry_id: null,
        photo_url: form.dataset.photoApi,
        photo_label: form.dataset.photoWaiting,
        state: "waiting",
        reason: "",
        queued_at: new Date().toISOString(),
      };
      await (await database).put(STORE, item);
      form.elements.note.value = "";
      if (form.elements.photo) form.elements.photo.value = "";
      form.elements.latitude.value = "";
      form.elements.longitude.value = "";
      freshForm();
      await render();
      flush();
    });
    const locate = document.getElementById("locate");
    const status = document.getElementById("locate-status");
    locate.addEventListener("click", () => {
      if (!("geolocation" in navigator)) {
        status.textContent = locate.dataset.failed;
        return;
      }
      navigator.geolocation.getCurrentPosition(
        (position) => {
          form.elements.latitude.value = position.coords.latitude.toFixed(6);
          form.elements.longitude.value = position.coords.longitude.toFixed(6);
          status.textContent = locate.dataset.found;
        },
        () => {
          status.textContent = locate.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  async function forgetThisPhone() {
    await (await database).clear(STORE);
    if ("caches" in window) {
      const keys = await caches.keys();
      await Promise.all(keys.filter((key) => key.startsWith("tranquillite-field-")).map((key) => caches.delete(key)));
    }
    if ("serviceWorker" in navigator) {
      // Installed again (with a fresh cache) on the next visit of the field page.
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((registration) => registration.unregister()));
    }
  }

  if (outbox && outbox.dataset.logout) {
    document.querySelectorAll(`form[action="${outbox.dataset.logout}"]`).forEach((logout) => {
      logout.addEventListener("submit", async (event) => {
        if (logout.dataset.cleared) return;
        event.preventDefault();
        await flush();
        const left = (await (await database).getAll(STORE)).length;
        if (left > 0 && !window.confirm(outbox.dataset.unsentWarning.replace("{count}", String(left)))) {
          return;
        }
        try {
          await forgetThisPhone();
        } finally {
          logout.dataset.cleared = "true";
          logout.submit();
        }
      });
    });
  }

  window.addEventListener("online", () => {
    showNetwork();
    flush();
  });
  window.addEventListener("offline", showNetwork);
  // Also try now and then: a phone may be "online" with a network that does not answer.
  window.setInterval(flush, 20000);
  showNetwork();
  render().then(flush);
})();
