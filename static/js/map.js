// Neighbourhood map: data comes from a JSON data block, never from inline script (CSP).
(function () {
  "use strict";
  var element = document.getElementById("tq-map");
  if (!element || typeof L === "undefined") { return; }
  var points = JSON.parse(document.getElementById(element.dataset.pointsId).textContent);
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, {
    maxZoom: 18,
    attribution: element.dataset.tileAttribution || ""
  }).addTo(map);
  var bounds = [];
  points.forEach(function (point) {
    var colour = point.priority ? "#b35900" : "#1b4f72";
    if (point.outline) {
      L.geoJSON(point.outline, { style: { color: colour, weight: 2, fillOpacity: 0.1 } }).addTo(map);
    }
    L.circleMarker([point.lat, point.lon], { radius: 8, color: colour, fillOpacity: 0.8 })
      .bindTooltip(point.name)
      .addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30] });
  } else {
    map.setView([46.6, 2.4], 5);
  }
})();
