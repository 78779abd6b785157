/*
 * Frontdesk agent console. Talks to the same origin's /v1 API with an agent or admin key
 * kept in sessionStorage; live updates come from GET /v1/events read with fetch, so the key
 * travels in a header. Contract: docs/handoff-api.md.
 */
(function () {
  "use strict";

  var common = FrontdeskCommon; // /static/common.js, loaded first
  var KEY_STORE = "frontdesk:console:key";
  var SIGNED_IN = "frontdesk:console:signed-in"; // the key came from e-mail + password
  var key = sessionStorage.getItem(KEY_STORE) || "";
  var me = null; // GET /v1/tenant/me
  var agents = []; // GET /v1/agents, for "give to"
  var signInHooks = [];
  var tickets = {}; // id -> ticket
  var unread = {}; // conversation id -> count of customer turns since last viewed
  var selected = null; // the open ticket, with .conversation
  var renderedTurns = {}; // turn id -> element, for the open ticket
  // Unsent reply and note per ticket: switching tickets must never carry a reply written
  // for one customer over to another.
  var drafts = {}; // ticket id -> {reply, note}
  var stream = null;

  function $(id) { return document.getElementById(id); }

  var el = common.el;

  function api(method, path, body) {
    return common.request(path, { method: method, key: key, body: body });
  }

  function ago(iso) {
    if (!iso) return "";
    var seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
    if (seconds < 60) return Math.floor(seconds) + " s ago";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
    return Math.floor(seconds / 86400) + " d ago";
  }

  function words(value) { return String(value || "").replace(/_/g, " "); }

  function removedText(removed) {
    if (!removed || !removed.length) return "Nothing personal was found to remove.";
    return "Removed: " + removed.map(function (r) { return words(r.kind) + " (" + r.count + ")"; }).join(", ") + ".";
  }

  function notify(message, bad) {
    var node = $("action-status");
    node.textContent = message;
    node.className = bad ? "notice bad" : "notice";
  }

  /* ---- sign in ---- */
  // Header controls that need a key: hidden while signed out.
  function signedInControls(visible) {
    ["suggestions-toggle", "help-toggle", "sign-out"].forEach(function (id) { $(id).hidden = !visible; });
    $("nav").hidden = !visible;
    if (!visible) {
      $("suggestions-panel").hidden = true;
      $("app").classList.remove("with-suggestions");
      $("suggestions-toggle").setAttribute("aria-expanded", "false");
    }
  }

  function showLogin(message) {
    if (stream) stream.abort();
    document.querySelectorAll("main.screen, #app").forEach(function (m) { m.hidden = true; });
    signedInControls(false);
    $("whoami").textContent = "";
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("password-error").textContent = "";
    $("signin-tenant").focus();
  }

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

  /* ---- suggested FAQ entries ---- */
  var DISMISSED = "frontdesk:console:dismissed";
  function dismissed() {
    try { return JSON.parse(localStorage.getItem(DISMISSED) || "[]"); } catch (e) { return []; }
  }

  function loadSuggestions() {
    var list = $("suggestions");
    $("suggestions-status").textContent = "Looking for questions the knowledge does not answer…";
    return api("GET", "/v1/knowledge/suggestions").then(function (items) {
      var hidden = dismissed();
      items = items.filter(function (s) { return hidden.indexOf(s.id) < 0; });
      list.textContent = "";
      items.forEach(function (s) { list.appendChild(suggestionItem(s)); });
      $("suggestions-status").textContent = items.length
        ? items.length + " suggestion" + (items.length === 1 ? "" : "s") + ", most asked first."
        : "No suggestions: the knowledge answers what customers ask.";
    }).catch(function (error) { $("suggestions-status").textContent = "Couldn't load suggestions: " + error.message; });
  }

  function suggestionItem(s) {
    var question = el("textarea", { rows: "2", "aria-label": "Question", "data-testid": "suggestion-question" });
    question.value = s.draft.question;
    var answer = el("textarea", { rows: "4", "aria-label": "Answer", placeholder: "Write the general answer…", "data-testid": "suggestion-answer" });
    answer.value = s.draft.answer;
    var status = el("p", { class: "notice", role: "status", "data-testid": "suggestion-status" });
    var item = el("li", { class: "suggestion", "data-testid": "suggestion", "data-id": s.id });
    var approve = el("button", { type: "button", "data-testid": "suggestion-approve", on: { click: function () {
      var body = { question: question.value.trim(), answer: answer.value.trim(), source: s.sources[0] };
      if (!body.question || !body.answer) { status.textContent = "Write a question and an answer first."; status.className = "notice bad"; return; }
      approve.disabled = true;
      api("POST", "/v1/knowledge/faq", body).then(function (result) {
        status.className = "notice";
        status.textContent = "Added to knowledge as " + result.document_id + ": the bot can cite it from now on.";
        item.classList.add("approved");
      }).catch(function (error) {
        approve.disabled = false;
        status.className = "notice bad";
        status.textContent = "Couldn't add: " + error.message;
      });
    } } }, ["Approve"]);
    var dismiss = el("button", { type: "button", class: "secondary", "data-testid": "suggestion-dismiss", on: { click: function () {
      var hidden = dismissed();
      hidden.push(s.id);
      localStorage.setItem(DISMISSED, JSON.stringify(hidden));
      item.remove();
    } } }, ["Dismiss"]);
    var tickets = s.sources.filter(function (src) { return src.kind === "ticket"; }).length;
    var parts = ["Asked " + s.size + (s.size === 1 ? " time" : " times")];
    if (tickets) parts.push(tickets + " resolved ticket" + (tickets === 1 ? "" : "s"));
    if (s.size - tickets) parts.push((s.size - tickets) + " unanswered");
    var summary = parts.join(" · ");
    item.appendChild(el("p", { class: "meta" }, [summary]));
    var examples = el("ul", { class: "examples", "aria-label": "What customers wrote" });
    s.examples.forEach(function (e) { examples.appendChild(el("li", {}, [e])); });
    item.appendChild(examples);
    item.appendChild(el("label", {}, ["Question"]));
    item.appendChild(question);
    item.appendChild(el("label", {}, ["Answer"]));
    item.appendChild(answer);
    item.appendChild(el("p", { class: "removed" }, [removedText(s.draft.removed)]));
    item.appendChild(el("div", { class: "buttons" }, [approve, dismiss]));
    item.appendChild(status);
    return item;
  }

  $("suggestions-toggle").addEventListener("click", function () {
    var panel = $("suggestions-panel");
    var opening = panel.hidden;
    // The panel sits beside the queue: from another screen, go to the queue to show it.
    if (opening && $("app").hidden && window.FrontdeskConsole.show) window.FrontdeskConsole.show("queue");
    panel.hidden = !opening;
    $("app").classList.toggle("with-suggestions", opening);
    $("suggestions-toggle").setAttribute("aria-expanded", String(opening));
    if (opening) loadSuggestions();
  });

  function start() {
    return api("GET", "/v1/tenant/me").then(function (who) {
      if (who.role !== "agent" && who.role !== "admin") {
        var error = new Error("not a staff key");
        error.status = 403;
        throw error;
      }
      me = who;
      loadReasons();
      return api("GET", "/v1/tickets" + filterQuery());
    }).then(function (list) {
      $("login").hidden = true;
      $("app").hidden = false;
      signedInControls(true);
      $("whoami").textContent = me.name + " · " + me.tenant + " · " + me.role;
      document.body.classList.toggle("is-admin", me.role === "admin");
      document.querySelectorAll("[data-admin]").forEach(function (node) { node.hidden = me.role !== "admin"; });
      replaceQueue(list);
      listen();
      loadAgents();
      loadCanned();
      signInHooks.forEach(function (hook) { hook(me); });
    });
  }

  /* ---- agents, for "give to" ---- */
  function loadAgents() {
    return api("GET", "/v1/agents").then(function (list) {
      agents = list.filter(function (a) { return a.active; });
      var select = $("reassign");
      select.textContent = "";
      select.appendChild(el("option", { value: "" }, ["choose an agent…"]));
      agents.forEach(function (a) { select.appendChild(el("option", { value: a.id }, [a.name])); });
      if (selected) renderMeta();
    }).catch(function () { /* the list stays empty */ });
  }

  $("reassign").addEventListener("change", function () {
    var agentId = $("reassign").value;
    if (!agentId) return;
    var name = $("reassign").selectedOptions[0].textContent;
    act("/assign", { agent_id: agentId }, "Given to " + name + ".");
  });

  /* ---- canned replies in the reply box ---- */
  function loadCanned() {
    return api("GET", "/v1/canned-replies").then(function (list) {
      var select = $("canned-select");
      select.textContent = "";
      select.appendChild(el("option", { value: "" }, ["insert a canned reply…"]));
      list.forEach(function (r) { select.appendChild(el("option", { value: r.id }, [r.title])); });
    }).catch(function () { /* none to offer */ });
  }

  $("canned-select").addEventListener("change", function () {
    var id = $("canned-select").value;
    if (!id || !selected) return;
    api("GET", "/v1/tickets/" + encodeURIComponent(selected.id) + "/canned-replies/" + encodeURIComponent(id))
      .then(function (rendered) {
        var input = $("reply-input");
        var at = input.selectionStart || input.value.length;
        input.value = input.value.slice(0, at) + rendered.text + input.value.slice(input.selectionEnd || at);
        $("canned-select").value = "";
        input.focus();
        input.setSelectionRange(at + rendered.text.length, at + rendered.text.length);
      })
      .catch(function (error) { notify("Couldn't insert the reply: " + error.message, true); });
  });

  /* ---- internal notes ---- */
  function renderNotes(notes) {
    var ol = $("notes");
    ol.textContent = "";
    notes.forEach(appendNote);
  }

  function appendNote(note) {
    var ol = $("notes");
    if (ol.querySelector('[data-note-id="' + CSS.escape(note.id) + '"]')) return;
    var author = note.author_name || (note.author && note.author.name) || "";
    ol.appendChild(el("li", { class: "note", "data-testid": "ticket-note", "data-note-id": note.id }, [
      el("div", { class: "head" }, [el("strong", { text: author }), el("span", { text: new Date(note.created_at).toLocaleString() })]),
      el("div", { class: "text", text: note.text }),
    ]));
  }

  function loadNotes(id) {
    return api("GET", "/v1/tickets/" + encodeURIComponent(id) + "/notes")
      .then(function (notes) { if (selected && selected.id === id) renderNotes(notes); })
      .catch(function () { /* shown empty */ });
  }

  $("note-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("note-input");
    var text = input.value.trim();
    if (!text || !selected) return;
    api("POST", "/v1/tickets/" + encodeURIComponent(selected.id) + "/notes", { text: text })
      .then(function (note) {
        if (selected && selected.id === note.ticket_id) input.value = "";
        if (drafts[note.ticket_id]) drafts[note.ticket_id].note = "";
        appendNote(note);
        notify("Note added (agents only).");
      })
      .catch(function (error) { notify("Note not added: " + error.message, true); });
  });

  function loginError(error) {
    if (error.status === 401) return "That key is not valid (or was revoked).";
    if (error.status === 403) return "This key can't open the console: use an agent or admin key, not a widget key.";
    return "Couldn't reach Frontdesk: " + error.message;
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    key = $("key-input").value.trim();
    start()
      .then(function () {
        sessionStorage.setItem(KEY_STORE, key);
        sessionStorage.removeItem(SIGNED_IN);
        $("key-input").value = "";
      })
      .catch(function (error) { key = ""; showLogin(loginError(error)); });
  });

  $("password-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = {
      tenant: $("signin-tenant").value.trim(),
      email: $("signin-email").value.trim(),
      password: $("signin-password").value,
    };
    common.request("/v1/agents/sign-in", { method: "POST", body: body })
      .then(function (result) {
        key = result.key;
        return start().then(function () {
          sessionStorage.setItem(KEY_STORE, key);
          sessionStorage.setItem(SIGNED_IN, "1");
          $("signin-password").value = "";
        });
      })
      .catch(function (error) {
        key = "";
        $("password-error").textContent = error.status === 401 ? "Wrong workspace, e-mail or password." :
          error.status === 429 ? "Too many attempts; wait a minute." : "Couldn't sign in: " + error.message;
        $("signin-password").focus();
      });
  });

  $("sign-out").addEventListener("click", function () {
    // A key from signing in is revoked; a pasted key is only forgotten by this tab.
    if (sessionStorage.getItem(SIGNED_IN)) api("POST", "/v1/agents/sign-out").catch(function () {});
    sessionStorage.removeItem(KEY_STORE);
    sessionStorage.removeItem(SIGNED_IN);
    key = "";
    me = null;
    selected = null;
    drafts = {};
    $("detail-body").hidden = true;
    $("detail-empty").hidden = false;
    showLogin("");
  });

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
        if (error.status === 401 || error.status === 403) return showLogin(loginError(error));
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
    if (status === "active" && t.status === "resolved") return false;
    if (status && status !== "active" && t.status !== status) return false;
    if (owner === "unassigned" && t.assignee) return false;
    if (owner === "mine" && !(t.assignee && me && t.assignee.key_id === me.owner_id)) return false;
    return true;
  }

  function replaceQueue(list) {
    tickets = {};
    (list || []).forEach(function (t) { tickets[t.id] = t; });
    renderQueue();
  }

  function renderQueue() {
    var list = Object.keys(tickets).map(function (id) { return tickets[id]; }).filter(stillMatches);
    list.sort(function (a, b) {  // as the server's order=priority: urgent first, longest wait first
      return (RANK[a.priority] - RANK[b.priority]) || String(a.created_at).localeCompare(String(b.created_at));
    });
    var ul = $("tickets");
    var focused = document.activeElement && document.activeElement.getAttribute("data-ticket-id");
    ul.textContent = "";
    list.forEach(function (t) {
      var newCount = unread[t.conversation_id] || 0;
      var button = el("button", {
        type: "button", "data-testid": "ticket-item", "data-ticket-id": t.id,
        "data-status": t.status, "aria-current": selected && selected.id === t.id ? "true" : "false",
        on: { click: function () { openTicket(t.id); } },
      }, [
        el("span", { class: "line" }, [
          el("span", { class: "chip " + t.status, text: t.status }),
          el("span", { class: "chip " + t.priority, text: t.priority }),
          el("span", { text: words(t.reason) }),
          left(t) ? el("span", { class: "chip left", "data-testid": "ticket-left", text: "customer left" }) : null,
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

  /* ---- one ticket ---- */
  function openTicket(id) {
    return api("GET", "/v1/tickets/" + encodeURIComponent(id))
      .then(function (ticket) {
        var changed = !selected || selected.id !== ticket.id;
        if (changed) keepDrafts(selected, ticket);
        selected = ticket;
        tickets[ticket.id] = stripConversation(ticket);
        if (ticket.conversation) delete unread[ticket.conversation.id || ticket.conversation_id];
        if (changed) {
          notify("");
          $("promote-form").hidden = true;
          $("promote").setAttribute("aria-expanded", "false");
          $("notes").textContent = "";
          loadNotes(ticket.id);
        }
        renderDetail();
        renderQueue();
      })
      .catch(function (error) { notify("Couldn't open the ticket: " + error.message, true); });
  }

  function keepDrafts(previous, next) {
    if (previous) drafts[previous.id] = { reply: $("reply-input").value, note: $("note-input").value };
    var saved = drafts[next.id] || { reply: "", note: "" };
    $("reply-input").value = saved.reply;
    $("note-input").value = saved.note;
  }

  function stripConversation(ticket) {
    var copy = {};
    Object.keys(ticket).forEach(function (k) { if (k !== "conversation") copy[k] = ticket[k]; });
    return copy;
  }

  // The customer left the chat while the ticket waited (the widget's "Start new").
  function left(ticket) { return ticket.status !== "resolved" && !!ticket.customer_left_at; }

  function renderMeta() {
    var t = selected;
    $("detail-title").textContent = t.summary || "Ticket " + t.id;
    $("meta-status").textContent = t.status + (left(t) ? " · customer left " + ago(t.customer_left_at) : "");
    $("left-notice").hidden = !left(t);
    $("meta-reason").textContent = words(t.reason);
    $("meta-priority").textContent = t.priority;
    $("meta-assignee").textContent = t.assignee ? t.assignee.name || t.assignee.key_id : "nobody";
    $("meta-created").textContent = ago(t.created_at) + " (" + new Date(t.created_at).toLocaleString() + ")";
    var resolved = t.status === "resolved";
    var owner = t.assignee && t.assignee.key_id;
    var mine = me && owner === me.owner_id;
    var admin = me && me.role === "admin";
    $("assign").disabled = resolved || mine || (owner && !admin);
    $("unassign").disabled = resolved || !owner || !(mine || admin);
    $("reassign").disabled = resolved || (owner && !mine && !admin);
    $("reassign").value = "";
    $("note-input").disabled = false;
    $("resolve").disabled = resolved;
    $("handback").disabled = resolved;
    $("reply-input").disabled = resolved;
    $("reply-form").querySelector("button").disabled = resolved;
  }

  function renderDetail() {
    $("detail-empty").hidden = true;
    $("detail-body").hidden = false;
    renderMeta();
    var ol = $("turns");
    ol.textContent = "";
    renderedTurns = {};
    ((selected.conversation && selected.conversation.turns) || []).forEach(appendTurn);
  }

  var WHO = { customer: "Customer", assistant: "Bot", agent: "Agent" };

  function answerBody(text, citations) {
    var byNumber = {};
    (citations || []).forEach(function (c) { byNumber[c.number] = c; });
    var body = el("div", { class: "text" });
    var pattern = /\[(\d{1,2})\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var c = byNumber[Number(match[1])];
      if (!c) continue;
      body.appendChild(document.createTextNode(text.slice(last, match.index)));
      body.appendChild(el("sup", {}, [link(c, "[" + c.number + "]")]));
      last = match.index + match[0].length;
    }
    body.appendChild(document.createTextNode(text.slice(last)));
    return body;
  }

  function link(citation, label) {
    if (citation.url && /^https?:\/\//i.test(citation.url)) {
      return el("a", { href: citation.url, target: "_blank", rel: "noopener noreferrer", title: citation.title, "data-testid": "console-citation", text: label });
    }
    return el("span", { title: citation.title, "data-testid": "console-citation", text: label });
  }

  function traceTable(trace) {
    var total = trace.reduce(function (sum, s) { return sum + (Number(s.duration_ms) || 0); }, 0);
    var rows = trace.map(function (stage) {
      var scores = Object.keys(stage.scores || {}).map(function (k) {
        var v = stage.scores[k];
        return k + "=" + (typeof v === "number" ? Math.round(v * 1000) / 1000 : v);
      }).join(", ");
      return el("tr", { "data-testid": "trace-stage", "data-stage": stage.name }, [
        el("td", { text: stage.name }),
        el("td", { class: "num", text: (Number(stage.duration_ms) || 0).toFixed(1) }),
        el("td", {}, (stage.flags || []).map(function (f) { return el("span", { class: "flag", text: f }); })),
        el("td", { text: scores }),
      ]);
    });
    return el("details", { class: "trace", "data-testid": "trace" }, [
      el("summary", { text: "Trace · " + trace.length + " stages · " + total.toFixed(1) + " ms" }),
      el("table", {}, [
        el("thead", {}, [el("tr", {}, [
          el("th", { scope: "col", text: "stage" }), el("th", { scope: "col", text: "ms" }),
          el("th", { scope: "col", text: "flags" }), el("th", { scope: "col", text: "scores" }),
        ])]),
        el("tbody", {}, rows),
      ]),
    ]);
  }

  function appendTurn(turn) {
    if (!turn || !turn.id || renderedTurns[turn.id]) return;
    var head = [el("strong", { text: WHO[turn.role] || turn.role }), el("span", { text: new Date(turn.created_at).toLocaleTimeString() })];
    if (turn.role === "assistant") {
      if (turn.outcome) head.push(el("span", { class: "chip", text: turn.outcome }));
      if (typeof turn.confidence === "number") head.push(el("span", { text: "confidence " + turn.confidence.toFixed(2) }));
      if (turn.escalation_reason) head.push(el("span", { class: "chip urgent", text: words(turn.escalation_reason) }));
    }
    var item = el("li", { class: "turn " + turn.role, "data-testid": "console-turn", "data-role": turn.role, "data-turn-id": turn.id }, [
      el("div", { class: "head" }, head),
      turn.role === "assistant" ? answerBody(turn.text, turn.citations) : el("div", { class: "text", text: turn.text }),
    ]);
    if (turn.citations && turn.citations.length) {
      item.appendChild(el("ol", { class: "sources", "aria-label": "Sources" }, turn.citations.map(function (c) {
        return el("li", { value: c.number }, [link(c, c.title || "Source " + c.number)]);
      })));
    }
    if (turn.role === "assistant" && turn.trace && turn.trace.length) item.appendChild(traceTable(turn.trace));
    renderedTurns[turn.id] = item;
    $("turns").appendChild(item);
    if (selected && selected.conversation) {
      var turns = selected.conversation.turns || (selected.conversation.turns = []);
      if (!turns.some(function (t) { return t.id === turn.id; })) turns.push(turn);
    }
  }

  function act(path, body, done) {
    if (!selected) return Promise.resolve();
    var id = selected.id;
    return api("POST", "/v1/tickets/" + encodeURIComponent(id) + path, body)
      .then(function (result) {
        notify(done);
        return openTicket(id).then(function () { reloadQueueSoon(); return result; });
      })
      .catch(function (error) {
        var hint = error.status === 409 ? " (someone else may have it, or it is resolved)" : "";
        notify(error.message + hint, true);
        return openTicket(id);
      });
  }

  $("assign").addEventListener("click", function () { act("/assign", undefined, "Assigned to you."); });
  $("unassign").addEventListener("click", function () { act("/unassign", undefined, "Back in the queue."); });
  $("resolve").addEventListener("click", function () { act("/resolve", undefined, "Resolved: the customer is asked to rate the conversation."); });
  $("handback").addEventListener("click", function () { act("/handback", undefined, "Handed back to the bot."); });

  $("promote").addEventListener("click", function () {
    var form = $("promote-form");
    var opening = form.hidden;
    form.hidden = !opening;
    $("promote").setAttribute("aria-expanded", String(opening));
    if (!opening) return;
    $("promote-question").value = "";
    $("promote-answer").value = "";
    $("promote-removed").textContent = "Drafting a general entry…";
    api("GET", "/v1/tickets/" + encodeURIComponent(selected.id) + "/faq-draft")
      .then(function (draft) {
        $("promote-question").value = draft.question;
        $("promote-answer").value = draft.answer;
        $("promote-removed").textContent = removedText(draft.removed);
        $("promote-question").focus();
      })
      .catch(function (error) { $("promote-removed").textContent = "No draft: " + error.message; });
  });

  $("promote-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = { question: $("promote-question").value.trim(), answer: $("promote-answer").value.trim() };
    if (!body.question || !body.answer) return;
    api("POST", "/v1/tickets/" + encodeURIComponent(selected.id) + "/promote", body)
      .then(function (result) {
        $("promote-form").hidden = true;
        $("promote").setAttribute("aria-expanded", "false");
        notify("Added to knowledge" + (result && result.document_id ? " as " + result.document_id : "") + ": the bot can cite it from now on.");
      })
      .catch(function (error) { notify("Couldn't add to knowledge: " + error.message, true); });
  });

  $("reply-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("reply-input");
    var text = input.value.trim();
    if (!text || !selected) return;
    var button = $("reply-form").querySelector("button");
    button.disabled = true;
    var ticketId = selected.id;
    api("POST", "/v1/tickets/" + encodeURIComponent(ticketId) + "/reply", { text: text })
      .then(function (turn) {
        if (selected && selected.id === ticketId) input.value = "";
        delete drafts[ticketId];
        if (selected && selected.id === ticketId) appendTurn(turn);
        notify("Reply sent.");
      })
      .catch(function (error) { notify("Reply not sent: " + error.message, true); })
      .then(function () { button.disabled = selected && selected.status === "resolved"; });
  });
  $("reply-input").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("reply-form").requestSubmit(); }
  });

  /* ---- live updates ---- */
  function onEvent(name, payload) {
    if (name === "ticket") {
      tickets[payload.id] = stripConversation(payload);
      renderQueue();
      reloadQueueSoon(); // the server applies the filters
      if (selected && selected.id === payload.id) {
        Object.keys(payload).forEach(function (k) { if (k !== "conversation") selected[k] = payload[k]; });
        renderMeta();
      }
    } else if (name === "note") {
      if (selected && selected.id === payload.ticket_id) appendNote(payload);
    } else if (name === "turn") {
      var conversationId = payload.conversation_id;
      if (selected && selected.conversation_id === conversationId) {
        appendTurn(payload);
      } else if (payload.role === "customer") {
        unread[conversationId] = (unread[conversationId] || 0) + 1;
        renderQueue();
      }
    }
  }

  function listen() {
    if (stream) stream.abort();
    var live = $("live");
    function show(state, text) {
      live.textContent = text;
      live.className = state === "live" ? "live on" : "live";
      live.setAttribute("data-state", state);
    }
    stream = common.follow("/v1/events", key, {
      stopOn: [401, 403],
      onStop: function () { showLogin("Your key stopped working; sign in again."); },
      onEvent: onEvent,
      onOpen: function () {
        show("live", "live");
        // Anything that happened while disconnected.
        loadQueue();
        if (selected) openTicket(selected.id);
      },
      onDrop: function () { show("reconnecting", "reconnecting…"); },
    });
  }

  // Ages in the queue stay current without a reload.
  setInterval(function () { if (!$("app").hidden) renderQueue(); }, 30000);

  // For the other console scripts (screens, knowledge, shortcuts): one key, one identity.
  window.FrontdeskConsole = {
    api: api,
    el: el,
    key: function () { return key; },
    me: function () { return me; },
    onSignIn: function (hook) { signInHooks.push(hook); if (me) hook(me); },
    selected: function () { return selected; },
    openTicket: openTicket,
    act: function (path, done) { return act(path, undefined, done); },
    reloadCanned: loadCanned,
    reloadAgents: loadAgents,
  };

  if (key) start().catch(function (error) { sessionStorage.removeItem(KEY_STORE); key = ""; showLogin(loginError(error)); });
  else showLogin("");
})();
