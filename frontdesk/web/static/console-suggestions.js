/*
 * Suggested FAQ entries, in the panel beside the queue: questions the knowledge does not
 * answer, with a drafted general entry to edit and approve (added to the knowledge) or
 * dismiss (remembered by this browser). Uses window.FrontdeskConsole from console.js.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var api = C.api;
  var el = C.el;
  var removedText = C.removedText;

  function $(id) { return document.getElementById(id); }

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
    if (opening && $("app").hidden && C.show) C.show("queue");
    panel.hidden = !opening;
    $("app").classList.toggle("with-suggestions", opening);
    $("suggestions-toggle").setAttribute("aria-expanded", String(opening));
    if (opening) loadSuggestions();
  });
})();
