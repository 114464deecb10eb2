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

  // The main menu folds behind its "Menu" button on narrow screens (the CSS decides when); without this
  // script the button stays hidden and the menu open.
  function setUpMenu() {
    var toggle = document.querySelector(".site-nav__toggle");
    if (!toggle) {
      return;
    }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.hidden = false;
    toggle.setAttribute("aria-expanded", "false");
    menu.closest(".site-nav").classList.add("site-nav--collapsible");
    toggle.addEventListener("click", function () {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
    });
  }

  // On narrow screens, a table stacks into one block per row; each cell then shows its column's header
  // beside its value (the CSS reads data-label, and stacks only the tables labelled here).
  function labelTableCells(root) {
    root.querySelectorAll("table.table:not([data-labelled])").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (headers[index]) {
            cell.setAttribute("data-label", headers[index]);
          }
        });
      });
      table.setAttribute("data-labelled", "");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    labelTableCells(document);
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

  // A list of forms (a Django formset, marked data-formset): "Add" copies the empty form kept in a
  // <template>, "Remove" ticks the form's hidden removal box and hides it. Without this script the page
  // still offers one blank form and a "Remove" box on each.
  function setUpFormset(formset) {
    var total = formset.querySelector("input[name$='-TOTAL_FORMS']");
    var max = formset.querySelector("input[name$='-MAX_NUM_FORMS']");
    var forms = formset.querySelector("[data-formset-forms]");
    var empty = formset.querySelector("template[data-formset-empty]");
    var add = formset.querySelector("[data-formset-add]");
    var status = formset.querySelector("[data-formset-status]");

    function announce(text) {
      status.textContent = text;
    }
    function enhance(form) {
      var box = form.querySelector("[data-formset-delete]");
      var remove = form.querySelector("[data-formset-remove]");
      if (!box || !remove) {
        return;
      }
      box.hidden = true;
      remove.hidden = false;
      if (form.hasAttribute("data-formset-removed-form")) {
        form.hidden = true;
      }
    }
    function refreshAdd() {
      add.disabled = Number(total.value) >= Number(max.value);
    }

    Array.prototype.forEach.call(forms.querySelectorAll("[data-formset-form]"), enhance);
    add.hidden = false;
    refreshAdd();

    add.addEventListener("click", function () {
      var index = Number(total.value);
      var html = empty.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var form = holder.querySelector("[data-formset-form]");
      forms.appendChild(form);
      total.value = String(index + 1);
      enhance(form);
      refreshAdd();
      var first = form.querySelector("input, textarea, select");
      if (first) {
        first.focus();
      }
    });
    forms.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-formset-remove]");
      if (!remove) {
        return;
      }
      var form = remove.closest("[data-formset-form]");
      var box = form.querySelector("[data-formset-delete] input[type=checkbox]");
      box.checked = true;
      // Counts as typing: changing the language now would lose the removal too.
      box.dispatchEvent(new Event("input", { bubbles: true }));
      form.hidden = true;
      announce(formset.getAttribute("data-formset-removed"));
      add.focus();
    });
  }

  // The total of a grid's weights (data-weights-total), kept up to date as criteria are typed, added or
  // removed; the server writes the same total when it renders the page.
  function setUpWeightsTotal(formset) {
    var value = formset.querySelector("[data-weights-total-value]");
    if (!value) {
      return;
    }
    function refresh() {
      var total = 0;
      Array.prototype.forEach.call(formset.querySelectorAll("[data-formset-form]"), function (form) {
        var removed = form.querySelector("[data-formset-delete] input[type=checkbox]");
        if (form.hidden || (removed && removed.checked)) {
          return;
        }
        var weight = form.querySelector("input[data-weight]");
        var number = weight ? parseInt(weight.value, 10) : NaN;
        if (!isNaN(number)) {
          total += number;
        }
      });
      value.textContent = String(total);
    }
    formset.addEventListener("input", refresh);
    formset.addEventListener("click", function () {
      window.setTimeout(refresh, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), setUpFormset);
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset]"), setUpWeightsTotal);
  });

  // A live countdown to a deadline (the proposal form): the server's sentence stays; this adds the time left,
  // updated every minute. role="timer" is not announced on each change: screen readers read it when asked.
  function setUpCountdown(timer) {
    var closesAt = Date.parse(timer.getAttribute("data-closes-at"));
    var template = timer.getAttribute("data-template");
    var closed = timer.getAttribute("data-closed");
    if (isNaN(closesAt) || !template) {
      return;
    }
    function render() {
      var left = Math.max(0, closesAt - Date.now());
      var minutes = Math.floor(left / 60000);
      timer.textContent = left === 0 ? closed : template
        .replace("{days}", String(Math.floor(minutes / 1440)))
        .replace("{hours}", String(Math.floor((minutes % 1440) / 60)))
        .replace("{minutes}", String(minutes % 60));
      return left;
    }
    timer.hidden = false;
    if (render() > 0) {
      var interval = window.setInterval(function () {
        if (render() === 0) {
          window.clearInterval(interval);
        }
      }, 30000);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-countdown]"), setUpCountdown);
  });

  // After an htmx swap: to the error summary if the form came back with errors; otherwise to an element
  // that asks for it (the confirmation that replaces a button that was just used and is now gone).
  document.addEventListener("htmx:afterSettle", function (event) {
    labelTableCells(document);
    focusErrorSummary(event.detail.target);
    var target = document.querySelector("[data-autofocus]");
    if (target) {
      target.removeAttribute("data-autofocus");
      target.focus();
    }
  });
})();
