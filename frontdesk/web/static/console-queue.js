/*
 * The console's queue: the tickets that match the filters, urgent first then longest
 * waiting, with unread counts from the live updates; the handoff reasons for the filter.
 * Uses and extends window.FrontdeskConsole from console.js.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var state = C.state;
  var api = C.api;
  var el = C.el;
  var ago = C.ago;
  var words = C.words;

  function $(id) { return document.getElementById(id); }

  /* ---- handoff reasons (from the API, so the filter lists every reason) ---- */
  function loadReasons() {
    return api("GET", "/v1/tickets/reasons").then(function (reasons) {
      var select = document.querySelector('[data-testid="filter-reason"]');
      var current = select.value;
      select.textContent = "";
      select.appendChild(el("option", { value: "" }, ["any"]));
      reasons.forEach(function (r) { select.appendChild(el("option", { value: r }, [words(r)])); });
      select.value = current;
    }).catch(function () { /* the static options stay */ });
  }

  /* ---- queue ---- */
  function filterQuery() {
    // A queue: urgent first, then whoever has waited longest.
    var params = new URLSearchParams({ order: "priority" });
    new FormData($("filters")).forEach(function (value, name) { if (value) params.set(name, value); });
    return "?" + params.toString();
  }

  function loadQueue() {
    return api("GET", "/v1/tickets" + filterQuery())
      .then(function (list) { $("queue-error").textContent = ""; replaceQueue(list); })
      .catch(function (error) {
        if (error.status === 401 || error.status === 403) return C.showLogin(C.loginError(error));
        $("queue-error").textContent = "Couldn't load tickets: " + error.message;
      });
  }

  var queueTimer = null;
  function reloadQueueSoon() {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(loadQueue, 150);
  }

  var RANK = { urgent: 0, high: 1, normal: 2, low: 3 };

  // A live update may move a ticket out of the current filters before the reload lands.
  function stillMatches(t) {
    var form = $("filters");
    var status = form.elements.status.value;
    var owner = form.elements.owner.value;
    var me = C.me();
    if (status === "active" && t.status === "resolved") return false;
    if (status && status !== "active" && t.status !== status) return false;
    if (owner === "unassigned" && t.assignee) return false;
    if (owner === "mine" && !(t.assignee && me && t.assignee.key_id === me.owner_id)) return false;
    return true;
  }

  function replaceQueue(list) {
    state.tickets = {};
    (list || []).forEach(function (t) { state.tickets[t.id] = t; });
    renderQueue();
  }

  function renderQueue() {
    var list = Object.keys(state.tickets).map(function (id) { return state.tickets[id]; }).filter(stillMatches);
    list.sort(function (a, b) {  // as the server's order=priority: urgent first, longest wait first
      return (RANK[a.priority] - RANK[b.priority]) || String(a.created_at).localeCompare(String(b.created_at));
    });
    var ul = $("tickets");
    var focused = document.activeElement && document.activeElement.getAttribute("data-ticket-id");
    ul.textContent = "";
    list.forEach(function (t) {
      var newCount = state.unread[t.conversation_id] || 0;
      var button = el("button", {
        type: "button", "data-testid": "ticket-item", "data-ticket-id": t.id,
        "data-status": t.status, "aria-current": state.selected && state.selected.id === t.id ? "true" : "false",
        on: { click: function () { C.openTicket(t.id); } },
      }, [
        el("span", { class: "line" }, [
          el("span", { class: "chip " + t.status, text: t.status }),
          el("span", { class: "chip " + t.priority, text: t.priority }),
          el("span", { text: words(t.reason) }),
          C.left(t) ? el("span", { class: "chip left", "data-testid": "ticket-left", text: "customer left" }) : null,
          newCount ? el("span", { class: "badge", "data-testid": "ticket-unread", text: newCount + " new" }) : null,
        ]),
        el("span", { class: "summary", text: t.summary || "(no summary)" }),
        el("span", { class: "line" }, [
          el("span", { text: ago(t.created_at) }),
          t.assignee ? el("span", { text: "· " + (t.assignee.name || t.assignee.key_id) }) : null,
        ]),
      ]);
      ul.appendChild(el("li", {}, [button]));
    });
    if (focused) {
      var again = ul.querySelector('[data-ticket-id="' + CSS.escape(focused) + '"]');
      if (again) again.focus();
    }
    $("queue-count").textContent = "(" + list.length + ")";
    $("queue-empty").hidden = list.length > 0;
  }

  $("filters").addEventListener("change", loadQueue);
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); loadQueue(); });
  var searchTimer = null;
  $("filters").elements.q.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(loadQueue, 250);
  });

  // Ages in the queue stay current without a reload.
  setInterval(function () { if (!$("app").hidden) renderQueue(); }, 30000);

  C.loadReasons = loadReasons;
  C.filterQuery = filterQuery;
  C.loadQueue = loadQueue;
  C.reloadQueueSoon = reloadQueueSoon;
  C.replaceQueue = replaceQueue;
  C.renderQueue = renderQueue;
})();
