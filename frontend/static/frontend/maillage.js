/* Maillage: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary after a failed submission, so keyboard and screen-reader
  // users land on the list of problems (each links to its field).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  // After htmx swaps in a form that came back with errors, do the same.
  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.detail.target);
  });
})();
