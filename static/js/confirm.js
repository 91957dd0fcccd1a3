// Tranquillité: asks before a destructive form is sent (a form with data-tq-confirm="question").
// Progressive enhancement: without this file the form is sent at once, and its page says what
// the button does.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-tq-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
