/*
 * Keyboard shortcuts for a working day in the console, and their help overlay (?).
 * Single keys act only when no text box has focus, so typing a reply never triggers them.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var GO = { q: "queue", k: "knowledge", c: "replies", t: "team", s: "settings" };
  var pendingGo = false;
  var returnFocus = null;

  function $(id) { return document.getElementById(id); }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function onQueue() { return !$("app").hidden; }

  function step(delta) {
    var items = Array.prototype.slice.call(document.querySelectorAll('#tickets [data-testid="ticket-item"]'));
    if (!items.length) return;
    var current = C.selected();
    var index = current ? items.findIndex(function (b) { return b.getAttribute("data-ticket-id") === current.id; }) : -1;
    var next = index < 0 ? (delta > 0 ? 0 : items.length - 1) : Math.min(Math.max(index + delta, 0), items.length - 1);
    var button = items[next];
    C.openTicket(button.getAttribute("data-ticket-id")).then(function () {
      var again = document.querySelector('#tickets [data-ticket-id="' + CSS.escape(button.getAttribute("data-ticket-id")) + '"]');
      if (again) again.focus();
    });
  }

  function press(id) {
    var button = $(id);
    if (button && !button.disabled && C.selected()) button.click();
  }

  function openHelp() {
    returnFocus = document.activeElement;
    $("help").hidden = false;
    $("help-close").focus();
  }

  function closeHelp() {
    $("help").hidden = true;
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  }

  $("help-toggle").addEventListener("click", openHelp);
  $("help-close").addEventListener("click", closeHelp);
  $("help").addEventListener("click", function (e) { if (e.target === $("help")) closeHelp(); });

  document.addEventListener("keydown", function (e) {
    if (!$("help").hidden) {
      if (e.key === "Escape") { e.preventDefault(); closeHelp(); }
      else if (e.key === "Tab") { e.preventDefault(); $("help-close").focus(); } // the only control
      return;
    }
    if (!C.me() || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (pendingGo) {
      pendingGo = false;
      if (GO[e.key]) { e.preventDefault(); C.show(GO[e.key]); }
      return;
    }
    if (e.key === "?") { e.preventDefault(); openHelp(); return; }
    if (e.key === "g") { pendingGo = true; setTimeout(function () { pendingGo = false; }, 1500); return; }
    if (!onQueue()) return;
    var actions = {
      j: function () { step(1); },
      n: function () { step(1); },
      k: function () { step(-1); },
      p: function () { step(-1); },
      r: function () { if (C.selected() && !$("reply-input").disabled) $("reply-input").focus(); },
      a: function () { press("assign"); },
      e: function () { press("resolve"); },
      "/": function () { $("filters").elements.q.focus(); },
    };
    if (actions[e.key]) { e.preventDefault(); actions[e.key](); }
  });
})();
