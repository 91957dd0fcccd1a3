/* The field map: h3 cells counted on the server (a GROUP BY), drawn as hexagons whose
 * darkness follows the count. The first cells come from a JSON block (no inline script under
 * the CSP); then the cell size follows the zoom: large cells zoomed out, small ones zoomed in,
 * asked from the API with the page's filters, and the table of cells below the map is
 * rewritten with the same numbers. Zoomed in closely, the entries in view are drawn as
 * points when they are few (the server decides). Nothing on the map names anyone. */
(function () {
  "use strict";
  const element = document.getElementById("tq-field-map");
  if (!element || typeof L === "undefined") return;
  const colour = getComputedStyle(document.documentElement).getPropertyValue("--tq-primary").trim() || "#1b4f72";
  const status = document.getElementById("tq-field-map-status");
  const table = document.querySelector("#tq-field-cells-table tbody");
  const select = document.getElementById("tq-map-resolution") || document.getElementById("map-resolution");
  const pointsZoom = Number(element.dataset.pointsZoom || 16);
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.tileAttribution || "" }).addTo(map);
  const cellLayer = L.featureGroup().addTo(map);
  const pointLayer = L.featureGroup().addTo(map);
  let resolution = Number(element.dataset.resolution || 8);
  let request = 0;

  function resolutionFor(zoom) {
    if (zoom <= 11) return 6;
    if (zoom <= 14) return 8;
    return 10;
  }

  function drawCells(cells) {
    cellLayer.clearLayers();
    const most = Math.max(1, ...cells.map((cell) => cell.count));
    cells.forEach((cell) => {
      L.polygon(cell.outline, {
        color: colour,
        weight: 1,
        fillColor: colour,
        fillOpacity: 0.15 + 0.65 * (cell.count / most),
      })
        .bindTooltip(`${cell.place || "—"} : ${cell.count}`)
        .addTo(cellLayer);
    });
  }

  function fillTable(cells) {
    if (!table) return;
    table.replaceChildren();
    if (!cells.length) {
      const row = table.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 3;
      cell.textContent = "—";
      return;
    }
    cells.forEach((cell) => {
      const row = table.insertRow();
      row.insertCell().textContent = cell.place || "—";
      row.insertCell().textContent = `${cell.latitude.toFixed(4)}, ${cell.longitude.toFixed(4)}`;
      const count = row.insertCell();
      count.className = "text-end";
      count.textContent = String(cell.count);
    });
  }

  function query(extra) {
    const params = new URLSearchParams(element.dataset.query || "");
    Object.entries(extra).forEach(([key, value]) => params.set(key, String(value)));
    return params.toString();
  }

  async function fetchJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  async function refresh() {
    const mine = ++request;
    const zoom = map.getZoom();
    const wanted = resolutionFor(zoom);
    try {
      if (wanted !== resolution) {
        const cells = await fetchJson(`${element.dataset.cellsUrl}?${query({ resolution: wanted })}`);
        if (mine !== request) return;
        resolution = wanted;
        drawCells(cells);
        fillTable(cells);
        if (select) select.value = String(wanted);
        if (status) status.textContent = `${element.dataset.cellsLabel} : ${cells.length}`;
      }
      pointLayer.clearLayers();
      if (zoom >= pointsZoom) {
        const bounds = map.getBounds();
        const answer = await fetchJson(
          `${element.dataset.pointsUrl}?${query({
            zoom,
            south: bounds.getSouth(),
            west: bounds.getWest(),
            north: bounds.getNorth(),
            east: bounds.getEast(),
          })}`
        );
        if (mine !== request || !answer.shown) return;
        answer.points.forEach((point) => {
          L.circleMarker([point.latitude, point.longitude], { radius: 6, color: "#b35900", weight: 2, fillOpacity: 0.8 })
            .bindTooltip(`${point.function} — ${point.category}`)
            .addTo(pointLayer);
        });
      }
    } catch (error) {
      // The cells already drawn stay; the tables below keep the page's numbers.
    }
  }

  const first = JSON.parse(document.getElementById(element.dataset.cellsId).textContent);
  drawCells(first);
  if (first.length) {
    map.fitBounds(cellLayer.getBounds(), { padding: [20, 20], maxZoom: 16 });
  } else {
    const [lat, lon] = element.dataset.centre.split(",").map(Number);
    map.setView([lat, lon], 14);
  }
  map.on("zoomend moveend", refresh);
})();
