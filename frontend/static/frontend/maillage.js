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

  // Changing the language reloads the page: what was typed in a form that sends data (method post) and
  // was not sent yet would be lost, so ask first. Search forms (get) keep their words in the address.
  var unsavedForms = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.method === "post" && !form.hasAttribute("data-language-switch")) {
      unsavedForms.add(form);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-language-switch")) {
      unsavedForms.delete(form);
    } else if (unsavedForms.size && !window.confirm(form.getAttribute("data-unsaved-warning"))) {
      event.preventDefault();
    }
  });

  // After an htmx swap: to the error summary if the form came back with errors; otherwise to an element
  // that asks for it (the confirmation that replaces a button that was just used and is now gone).
  document.addEventListener("htmx:afterSettle", function (event) {
    focusErrorSummary(event.detail.target);
    var target = document.querySelector("[data-autofocus]");
    if (target) {
      target.removeAttribute("data-autofocus");
      target.focus();
    }
  });
})();
