{% autoescape off %}/* Tranquillité — the field web app's service worker (served by field.views.service_worker).
 * It keeps the field page and its assets so that the page opens with no network; the queue
 * of unsent entries lives in the page (IndexedDB through idb, static/field/field.js).
 * Only the field page, its assets and the theme sheet are kept: other pages of the platform
 * are never stored on the device. The API is never cached. */
const CACHE = "tranquillite-field-{{ version }}";
const ASSETS = {{ assets_json }};
const PAGE = "{{ page }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("tranquillite-field-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function networkFirst(request, key) {
  return fetch(request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.open(CACHE).then((cache) => cache.match(key)).then((cached) => cached || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(networkFirst(request, PAGE));
  } else if (url.pathname === "/theme.css") {
    event.respondWith(networkFirst(request, request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
{% endautoescape %}
