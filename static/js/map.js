// Neighbourhood map: data comes from a JSON data block, never from inline script (CSP).
// The same information is in the table next to the map, for keyboards and screen readers.
(function () {
  "use strict";
  var element = document.getElementById("tq-map");
  if (!element || typeof L === "undefined") { return; }
  var points = JSON.parse(document.getElementById(element.dataset.pointsId).textContent);
  // The city's colour (from /theme.css) for ordinary neighbourhoods; priority ones are
  // larger and orange, so that colour is never the only difference.
  var cityColour = getComputedStyle(document.documentElement)
    .getPropertyValue("--tq-primary").trim() || "#1b4f72";
  var priorityColour = "#b35900";
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, {
    maxZoom: 18,
    attribution: element.dataset.tileAttribution || ""
  }).addTo(map);
  var bounds = [];
  points.forEach(function (point) {
    var colour = point.priority ? priorityColour : cityColour;
    if (point.outline) {
      L.geoJSON(point.outline, { style: { color: colour, weight: 2, fillOpacity: 0.1 } }).addTo(map);
    }
    L.circleMarker([point.lat, point.lon], {
      radius: point.priority ? 11 : 7,
      weight: point.priority ? 3 : 2,
      color: colour,
      fillOpacity: 0.8
    })
      .bindTooltip(point.name)
      .addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  } else {
    map.setView([46.6, 2.4], 5);
  }
})();
