/* The field map: h3 cells counted on the server (a GROUP BY), drawn as hexagons whose
 * darkness follows the count. Data from a JSON block (no inline script under the CSP); the
 * same numbers are in the tables below the map. */
(function () {
  "use strict";
  const element = document.getElementById("tq-field-map");
  if (!element || typeof L === "undefined") return;
  const cells = JSON.parse(document.getElementById(element.dataset.cellsId).textContent);
  const colour = getComputedStyle(document.documentElement).getPropertyValue("--tq-primary").trim() || "#1b4f72";
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: element.dataset.tileAttribution || "" }).addTo(map);
  const most = Math.max(1, ...cells.map((cell) => cell.count));
  const layers = cells.map((cell) =>
    L.polygon(cell.outline, {
      color: colour,
      weight: 1,
      fillColor: colour,
      fillOpacity: 0.15 + 0.65 * (cell.count / most),
    })
      .bindTooltip(`${cell.place} : ${cell.count}`)
      .addTo(map)
  );
  if (layers.length) {
    map.fitBounds(L.featureGroup(layers).getBounds(), { padding: [20, 20], maxZoom: 16 });
  } else {
    const [lat, lon] = element.dataset.centre.split(",").map(Number);
    map.setView([lat, lon], 14);
  }
})();
