/* Raising an issue: "use my position" fills the hidden latitude and longitude of the form
 * (the server snaps the point to its neighbourhood and refuses one outside the territory). */
(function () {
  "use strict";
  const button = document.getElementById("issue-locate");
  if (!button) return;
  const status = document.getElementById("issue-locate-status");
  const form = button.closest("form");
  button.addEventListener("click", () => {
    if (!("geolocation" in navigator)) {
      status.textContent = button.dataset.failed;
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.found;
      },
      () => {
        status.textContent = button.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
