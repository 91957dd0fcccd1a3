/* The routing rules' map: the rules' drawn areas, and a click-to-draw polygon that fills the
 * form's GeoJSON field (each click adds a corner; "clear" starts again). Data from a JSON
 * block (no inline script under the CSP). */
(function () {
  "use strict";
  const element = document.getElementById("rules-map");
  const field = document.getElementById("id_area");
  if (!element || !field || typeof L === "undefined") return;
  const areas = JSON.parse(document.getElementById("rules-areas").textContent);
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
  const layers = [];
  areas.forEach((area) => {
    area.outline.forEach((ring) => {
      layers.push(L.polygon(ring, { weight: 1, color: "#555", fillOpacity: 0.1 }).bindTooltip(area.name).addTo(map));
    });
  });
  const [lat, lon] = element.dataset.centre.split(",").map(Number);
  map.setView([lat, lon], 14);
  let corners = [];
  let drawn = null;
  function fromField() {
    try {
      const geometry = JSON.parse(field.value);
      if (geometry && geometry.type === "Polygon") {
        corners = geometry.coordinates[0].slice(0, -1).map(([x, y]) => [y, x]);
      }
    } catch (error) {
      corners = [];
    }
  }
  function show() {
    if (drawn) map.removeLayer(drawn);
    drawn = corners.length ? L.polygon(corners, { weight: 2 }).addTo(map) : null;
    if (corners.length >= 3) {
      const ring = corners.map(([y, x]) => [Number(x.toFixed(6)), Number(y.toFixed(6))]);
      ring.push(ring[0]);
      field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    }
  }
  if (field.value) {
    fromField();
    show();
    if (drawn) map.fitBounds(drawn.getBounds(), { maxZoom: 17 });
  }
  map.on("click", (event) => {
    corners.push([event.latlng.lat, event.latlng.lng]);
    show();
  });
  document.getElementById("rules-clear").addEventListener("click", () => {
    corners = [];
    field.value = "";
    show();
  });
})();
