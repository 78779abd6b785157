/*
 * The open ticket: its details and conversation, taking, giving, resolving and handing it
 * back, the reply box (with canned replies and a draft kept per ticket), internal notes,
 * and promoting the answer to the knowledge. Turns are drawn by console-turns.js.
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
  var notify = C.notify;
  var left = C.left;
  var removedText = C.removedText;
  var stripConversation = C.stripConversation;
  var agents = []; // GET /v1/agents, for "give to"
  var renderedTurns = {}; // turn id -> element, for the open ticket

  function $(id) { return document.getElementById(id); }

  /* ---- agents, for "give to" ---- */
  function loadAgents() {
    return api("GET", "/v1/agents").then(function (list) {
      agents = list.filter(function (a) { return a.active; });
      var select = $("reassign");
      select.textContent = "";
      select.appendChild(el("option", { value: "" }, ["choose an agent…"]));
      agents.forEach(function (a) { select.appendChild(el("option", { value: a.id }, [a.name])); });
      if (state.selected) renderMeta();
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
    if (!id || !state.selected) return;
    api("GET", "/v1/tickets/" + encodeURIComponent(state.selected.id) + "/canned-replies/" + encodeURIComponent(id))
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
      .then(function (notes) { if (state.selected && state.selected.id === id) renderNotes(notes); })
      .catch(function () { /* shown empty */ });
  }

  $("note-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = $("note-input");
    var text = input.value.trim();
    if (!text || !state.selected) return;
    api("POST", "/v1/tickets/" + encodeURIComponent(state.selected.id) + "/notes", { text: text })
      .then(function (note) {
        if (state.selected && state.selected.id === note.ticket_id) input.value = "";
        if (state.drafts[note.ticket_id]) state.drafts[note.ticket_id].note = "";
        appendNote(note);
        notify("Note added (agents only).");
      })
      .catch(function (error) { notify("Note not added: " + error.message, true); });
  });

  /* ---- one ticket ---- */
  function openTicket(id) {
    return api("GET", "/v1/tickets/" + encodeURIComponent(id))
      .then(function (ticket) {
        var changed = !state.selected || state.selected.id !== ticket.id;
        if (changed) keepDrafts(state.selected, ticket);
        state.selected = ticket;
        state.tickets[ticket.id] = stripConversation(ticket);
        if (ticket.conversation) delete state.unread[ticket.conversation.id || ticket.conversation_id];
        if (changed) {
          notify("");
          $("promote-form").hidden = true;
          $("promote").setAttribute("aria-expanded", "false");
          $("notes").textContent = "";
          loadNotes(ticket.id);
        }
        renderDetail();
        C.renderQueue();
      })
      .catch(function (error) { notify("Couldn't open the ticket: " + error.message, true); });
  }

  function keepDrafts(previous, next) {
    if (previous) state.drafts[previous.id] = { reply: $("reply-input").value, note: $("note-input").value };
    var saved = state.drafts[next.id] || { reply: "", note: "" };
    $("reply-input").value = saved.reply;
    $("note-input").value = saved.note;
  }

  function renderMeta() {
    var t = state.selected;
    $("detail-title").textContent = t.summary || "Ticket " + t.id;
    $("meta-status").textContent = t.status + (left(t) ? " · customer left " + ago(t.customer_left_at) : "");
    $("left-notice").hidden = !left(t);
    $("meta-reason").textContent = words(t.reason);
    $("meta-priority").textContent = t.priority;
    $("meta-assignee").textContent = t.assignee ? t.assignee.name || t.assignee.key_id : "nobody";
    $("meta-created").textContent = ago(t.created_at) + " (" + new Date(t.created_at).toLocaleString() + ")";
    var resolved = t.status === "resolved";
    var owner = t.assignee && t.assignee.key_id;
    var me = C.me();
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
    ((state.selected.conversation && state.selected.conversation.turns) || []).forEach(appendTurn);
  }

  function appendTurn(turn) {
    if (!turn || !turn.id || renderedTurns[turn.id]) return;
    var item = C.turnItem(turn);
    renderedTurns[turn.id] = item;
    $("turns").appendChild(item);
    if (state.selected && state.selected.conversation) {
      var turns = state.selected.conversation.turns || (state.selected.conversation.turns = []);
      if (!turns.some(function (t) { return t.id === turn.id; })) turns.push(turn);
    }
  }

  function act(path, body, done) {
    if (!state.selected) return Promise.resolve();
    var id = state.selected.id;
    return api("POST", "/v1/tickets/" + encodeURIComponent(id) + path, body)
      .then(function (result) {
        notify(done);
        return openTicket(id).then(function () { C.reloadQueueSoon(); return result; });
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
    api("GET", "/v1/tickets/" + encodeURIComponent(state.selected.id) + "/faq-draft")
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
    api("POST", "/v1/tickets/" + encodeURIComponent(state.selected.id) + "/promote", body)
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
    if (!text || !state.selected) return;
    var button = $("reply-form").querySelector("button");
    button.disabled = true;
    var ticketId = state.selected.id;
    api("POST", "/v1/tickets/" + encodeURIComponent(ticketId) + "/reply", { text: text })
      .then(function (turn) {
        if (state.selected && state.selected.id === ticketId) input.value = "";
        delete state.drafts[ticketId];
        if (state.selected && state.selected.id === ticketId) appendTurn(turn);
        notify("Reply sent.");
      })
      .catch(function (error) { notify("Reply not sent: " + error.message, true); })
      .then(function () { button.disabled = state.selected && state.selected.status === "resolved"; });
  });
  $("reply-input").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("reply-form").requestSubmit(); }
  });

  C.openTicket = openTicket;
  C.renderMeta = renderMeta;
  C.appendTurn = appendTurn;
  C.appendNote = appendNote;
  C.act = function (path, done) { return act(path, undefined, done); };
  C.reloadCanned = loadCanned;
  C.reloadAgents = loadAgents;
})();
