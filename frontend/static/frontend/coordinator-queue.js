/* Keyboard shortcuts for the coordinators' queue of proposals.

   Every action is an ordinary button or form on the page; this file only presses them for you. The keys
   work only while a proposal (or one of its controls) has the focus, so they never get in the way of
   typing elsewhere (WCAG 2.1.4), and never with Ctrl, Alt or Cmd:
     J / K  next / previous proposal
     A      approve            H  put on hold
     R      open the reason field to reject (Enter sends it, Escape closes it)
     X      tick or untick the proposal for bulk approval
   After htmx replaces a decided proposal, the focus moves on to the next one. */
(function () {
  "use strict";

  var ITEM = "[data-queue-item]";
  var DONE = "[data-queue-item-done]";
  var queue = document.querySelector("[data-queue]");
  if (!queue) {
    return;
  }

  // The shortcuts exist: show their help and the key in each button.
  document.documentElement.classList.add("has-queue-shortcuts");
  var help = document.querySelector("[data-queue-shortcuts-help]");
  if (help) {
    help.hidden = false;
    // Open on screens wide enough to come with a keyboard; a click away on phones and tablets.
    help.open = window.matchMedia("(min-width: 64rem)").matches;
  }

  function items() {
    return Array.prototype.slice.call(queue.querySelectorAll(ITEM));
  }

  function itemOf(element) {
    return element && element.closest ? element.closest(ITEM) : null;
  }

  function isTyping(element) {
    if (!element) {
      return false;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable) {
      return true;
    }
    return tag === "INPUT" && ["checkbox", "radio", "button", "submit"].indexOf(element.type) === -1;
  }

  function focusItem(item) {
    if (item) {
      item.focus();
      item.scrollIntoView({ block: "nearest" });
    }
  }

  function move(from, step) {
    var list = items();
    if (!list.length) {
      return;
    }
    var index = from ? list.indexOf(from) + step : 0;
    focusItem(list[Math.max(0, Math.min(list.length - 1, index))]);
  }

  function openReject(item) {
    var details = item.querySelector("details[data-queue-action='reject']");
    if (!details) {
      return;
    }
    details.open = true;
    var input = details.querySelector("input[type='text'], textarea");
    if (input) {
      input.focus();
    }
  }

  function press(item, action) {
    var control = item.querySelector("[data-queue-action='" + action + "']");
    if (control) {
      control.click();
    }
  }

  queue.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var item = itemOf(event.target);
    if (!item) {
      return;
    }
    if (isTyping(event.target)) {
      if (event.key === "Escape") {
        var details = event.target.closest("details");
        if (details) {
          details.open = false;
        }
        event.preventDefault();
        focusItem(item);
      }
      return;
    }
    var actions = {
      j: function () { move(item, 1); },
      k: function () { move(item, -1); },
      a: function () { press(item, "approve"); },
      h: function () { press(item, "hold"); },
      r: function () { openReject(item); },
      x: function () { press(item, "select"); }
    };
    var action = actions[event.key.toLowerCase()];
    if (action && !event.shiftKey) {
      event.preventDefault();
      action();
    }
  });

  // Remember where to go once htmx has replaced the proposal being decided.
  var after = null;
  queue.addEventListener("htmx:beforeRequest", function (event) {
    var item = itemOf(event.target);
    if (!item) {
      return;
    }
    var list = items();
    var index = list.indexOf(item);
    after = { id: item.id, next: list[index + 1] || null, previous: list[index - 1] || null };
  });

  document.addEventListener("htmx:load", function (event) {
    var element = event.target;
    if (!after || !element || element.id !== after.id) {
      return;
    }
    var remembered = after;
    after = null;
    if (element.matches(DONE)) {
      var next = [remembered.next, remembered.previous].filter(function (candidate) {
        return candidate && candidate.isConnected && candidate.matches(ITEM);
      })[0];
      focusItem(next || element);
      return;
    }
    // The same proposal came back (an error): go to the field in error, or to the proposal.
    var invalid = element.querySelector("[aria-invalid='true']");
    if (invalid) {
      invalid.focus();
    } else if (!element.contains(document.activeElement)) {
      focusItem(element);
    }
  });
})();
