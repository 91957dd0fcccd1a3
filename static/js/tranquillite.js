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
})();
