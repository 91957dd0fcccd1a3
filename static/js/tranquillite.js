// Tranquillité: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // Focus the main landmark after a skip-link jump, for screen readers and keyboards.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.skip-link");
    if (link) {
      var main = document.getElementById("contenu");
      if (main) { main.focus(); }
    }
  });
  // The live banners poll in the background: not while the device is offline (a mediator's
  // phone in a cellar), where each attempt would only fail; the next tick tries again.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var banner = event.target.closest && event.target.closest(".tq-live-banner");
    if (banner && navigator.onLine === false) {
      event.preventDefault();
    }
  });
  // A form sent back with errors: move focus to its summary, which is then read out and
  // links to each field in error. A link of the summary focuses its field.
  var summary = document.querySelector(".tq-error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
      }
    });
  }
})();
