/*
 * Frontdesk chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-key="fdk_..."></script>
 * The API base is the script's origin unless the tag has data-api="https://...".
 * Everything renders inside a shadow root, so the host page's CSS neither leaks in nor out.
 * Contract: docs/handoff-api.md.
 */
(function () {
  "use strict";

  var common = FrontdeskCommon; // inlined before this file when /widget.js is served
  var el = common.el;
  var script =
    document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-key]');
  if (!script) return;
  var KEY = script.getAttribute("data-key") || "";
  var API = (script.getAttribute("data-api") || new URL(script.src, location.href).origin)
    .replace(/\/+$/, "");
  var CUSTOM_TITLE = script.getAttribute("data-title");
  // The customer's language: the tag's data-lang, else the browser's. The server sends the
  // texts in it (with the tenant's wording) and the conversation starts in it.
  var LANG = script.getAttribute("data-lang") || navigator.language || "en";
  var LANG_TAG = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/;
  // English until the tenant's texts arrive (GET /v1/tenant/messages).
  var T = {
    widget_title: "Help", widget_launcher: "Chat with us", widget_close: "Close chat",
    widget_handoff: "Talk to a person", widget_placeholder: "Ask a question…",
    widget_placeholder_closed: "Conversation ended. Write to start again…",
    widget_message_label: "Your message", widget_send: "Send", widget_new: "New",
    widget_new_title: "Start a new conversation",
    widget_new_confirm: "A person from our team is looking after this conversation. If you start a new one, their reply won't reach you here.",
    widget_new_confirm_yes: "Start new", widget_new_confirm_no: "Keep this conversation",
    widget_sources: "Sources", widget_source: "Source", widget_related: "These articles may help",
    widget_helpful_question: "Was this answer helpful?", widget_helpful: "Helpful",
    widget_not_helpful: "Not helpful", widget_feedback_thanks: "Thanks for your feedback.",
    widget_you: "You", widget_assistant: "Assistant", widget_team: "Support team",
    csat_prompt: "How did we do? Rate this conversation from 1 to 5.",
    csat_thanks: "Thanks for rating this conversation.",
    widget_handoff_banner: "A person from our team will reply here.",
    widget_back_to_bot: "You're chatting with our assistant again.",
    widget_not_sent: "Not sent", widget_retry: "Try again",
    widget_offline: "We couldn't reach the chat service. Check your connection and try again.",
    widget_unavailable: "The chat isn't available right now. Please try again later.",
    widget_team_failed: "Couldn't reach the team", widget_rating_failed: "Couldn't send your rating",
    widget_feedback_failed: "Couldn't send your feedback",
    widget_conversation: "Conversation", widget_send_form: "Send a message",
    csat_score_1: "1 of 5, very bad", csat_score_2: "2 of 5, bad", csat_score_3: "3 of 5, okay",
    csat_score_4: "4 of 5, good", csat_score_5: "5 of 5, very good",
  };
  var textsLanguage = null;
  var TITLE = CUSTOM_TITLE || T.widget_title;
  // One conversation per tab, per API and key: a reload keeps it, a new tab starts fresh.
  var STORE = "frontdesk:" + API + ":" + KEY.slice(0, 12);

  var CSS = [
    ":host{all:initial;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328}",
    "*{box-sizing:border-box}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;",
    "padding:12px 18px;background:#2457d6;color:#fff;font:inherit;font-weight:600;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:80px;z-index:2147483000;width:min(380px,calc(100vw - 24px));",
    "height:min(560px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;",
    "border:1px solid #d0d7de;border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.22);overflow:hidden}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:#2457d6;color:#fff}",
    "header h2{flex:1;margin:0;font-size:15px}",
    "header button{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.6);border-radius:6px;",
    "padding:3px 8px;font:inherit;font-size:12px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;background:#f6f8fa}",
    ".msg{max-width:88%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".msg .who{display:block;font-size:11px;font-weight:600;color:#57606a;margin-bottom:2px}",
    // Right-to-left replies (Arabic, Hebrew …): dir="auto" on each text lets the browser pick.
    ".msg .text[dir=auto]{display:block;unicode-bidi:plaintext}",
    ".msg .text a.url{overflow-wrap:anywhere}",
    ".customer{align-self:flex-end;background:#2457d6;color:#fff}",
    ".customer .who{color:#dbe5ff}",
    ".assistant{align-self:flex-start;background:#fff;border:1px solid #d0d7de}",
    ".agent{align-self:flex-start;background:#e9f7ef;border:1px solid #8fd1a6}",
    ".system{align-self:center;background:#fff8c5;border:1px solid #e3c76b;font-size:13px;text-align:center}",
    ".pending{opacity:.7}",
    ".draft .text::after{content:\"\\258D\";opacity:.5;margin-left:1px}",
    ".failed{background:#ffebe9;color:#82071e;border:1px solid #ff8182}",
    ".failed .who{color:#82071e}",
    ".failed .retry{display:block;margin-top:6px;border:1px solid #82071e;border-radius:6px;background:#fff;color:#82071e;padding:3px 8px;font:inherit;font-size:12px;cursor:pointer}",
    "sup a{color:#2457d6;text-decoration:none;font-weight:600;padding:0 1px}",
    ".sources{margin:6px 0 0;padding:0 0 0 18px;font-size:12px}",
    ".sources a{color:#2457d6}",
    // Articles offered with a decline; logical padding so the bullets follow the text's side.
    ".related{margin-top:6px;font-size:12px}",
    ".related h3{margin:0;font-size:12px;font-weight:600;color:#57606a}",
    ".related ul{margin:2px 0 0;padding:0;padding-inline-start:18px}",
    ".related a{color:#2457d6}",
    ".rate{display:flex;gap:6px;align-items:center;margin-top:6px;font-size:12px;color:#57606a}",
    ".rate button{display:inline-flex;align-items:center;border:1px solid #d0d7de;background:#fff;color:#57606a;border-radius:6px;padding:3px 7px;cursor:pointer;font:inherit}",
    ".rate button[aria-pressed=true]{background:#ddf4ff;border-color:#54aeff;color:#0969da}",
    ".rate button:disabled{cursor:default}",
    ".banner{padding:8px 12px;background:#fff8c5;border-top:1px solid #e3c76b;font-size:13px}",
    ".banner[hidden],.csat[hidden],.actions[hidden],.leave[hidden],form[hidden]{display:none}",
    // Asked before "New" leaves a conversation a person is answering.
    ".leave{padding:10px 12px;background:#fff8c5;border-bottom:1px solid #e3c76b;font-size:13px}",
    ".leave p{margin:0 0 8px}",
    ".leave .choices{display:flex;flex-wrap:wrap;gap:8px;justify-content:flex-end}",
    ".leave button{border:1px solid #2457d6;border-radius:6px;background:#fff;color:#2457d6;padding:4px 10px;font:inherit;font-size:13px;cursor:pointer}",
    ".leave button.keep{background:#2457d6;color:#fff}",
    ".csat{padding:10px 12px;border-top:1px solid #d0d7de;background:#fff}",
    ".csat fieldset{border:0;margin:0;padding:0}",
    ".csat legend{font-weight:600;margin-bottom:6px}",
    ".csat .ended{margin:0 0 8px;color:#57606a}",
    ".csat .scores{display:flex;gap:6px}",
    ".csat .scores button{flex:1;padding:6px 0;border:1px solid #d0d7de;border-radius:6px;background:#fff;font:inherit;cursor:pointer}",
    ".csat .scores button:hover{background:#ddf4ff}",
    ".actions{display:flex;justify-content:flex-end;padding:6px 12px 0;background:#fff;border-top:1px solid #d0d7de}",
    ".actions button{border:0;background:transparent;color:#2457d6;font:inherit;font-size:13px;cursor:pointer;text-decoration:underline}",
    "form{display:flex;gap:8px;padding:8px 12px 12px;background:#fff}",
    "textarea{flex:1;resize:none;height:40px;padding:8px;border:1px solid #d0d7de;border-radius:8px;font:inherit}",
    "form button{border:0;border-radius:8px;background:#2457d6;color:#fff;padding:0 14px;font:inherit;font-weight:600;cursor:pointer}",
    "form button:disabled{opacity:.6;cursor:default}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    // A long placeholder ("Conversation ended. Write to start again…") stays on one line
    // instead of being cut in half by the box's height.
    "textarea:placeholder-shown{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    // Phones: the panel is centred with equal margins, and text is 16px, below which
    // mobile browsers zoom the page into the box on focus.
    "@media (max-width:480px){.panel{right:12px;width:calc(100vw - 24px);bottom:76px;height:min(560px,calc(100vh - 96px))}",
    ".launcher{right:12px;bottom:16px}textarea{font-size:16px}}",
  ].join("\n");

  function requestId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function api(method, path, body) {
    return common.request(API + path, { method: method, key: KEY, body: body });
  }

  /* ---- DOM ---- */
  var host = el("div", { id: "frontdesk-widget", "data-testid": "fd-widget" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: CSS }));

  var launcher = el("button", {
    class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "fd-panel",
    "data-testid": "fd-launcher", text: T.widget_launcher,
  });
  var log = el("div", {
    class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": T.widget_conversation, tabindex: "0", "data-testid": "fd-messages",
  });
  var banner = el("div", { class: "banner", role: "status", hidden: true, "data-testid": "fd-handoff-banner", text: T.widget_handoff_banner });
  var handoffButton = el("button", { type: "button", "data-testid": "fd-handoff", text: T.widget_handoff });
  var actions = el("div", { class: "actions" }, [handoffButton]);
  var csat = el("div", { class: "csat", hidden: true, "data-testid": "fd-csat" });
  var input = el("textarea", {
    id: "fd-input", rows: "1", placeholder: T.widget_placeholder, maxlength: "4000", dir: "auto",
    "aria-label": T.widget_message_label, "data-testid": "fd-input",
  });
  var send = el("button", { type: "submit", "data-testid": "fd-send", text: T.widget_send });
  var form = el("form", { "aria-label": T.widget_send_form }, [input, send]);
  var newButton = el("button", { type: "button", "data-testid": "fd-new", title: T.widget_new_title, text: T.widget_new });
  var closeButton = el("button", { type: "button", "aria-label": T.widget_close, "data-testid": "fd-close", text: "✕" });
  var heading = el("h2", { text: TITLE });
  var leaveText = el("p", { id: "fd-leave-text", text: T.widget_new_confirm });
  var leaveYes = el("button", { type: "button", "data-testid": "fd-new-confirm", text: T.widget_new_confirm_yes });
  var leaveNo = el("button", { type: "button", class: "keep", "data-testid": "fd-new-cancel", text: T.widget_new_confirm_no });
  var leave = el("div", {
    class: "leave", role: "group", "aria-labelledby": "fd-leave-text", hidden: true, "data-testid": "fd-new-ask",
  }, [leaveText, el("div", { class: "choices" }, [leaveYes, leaveNo])]);
  var panel = el("section", {
    id: "fd-panel", class: "panel", role: "dialog", "aria-label": TITLE + " chat", hidden: true,
    "data-testid": "fd-panel",
  }, [
    el("header", {}, [heading, newButton, closeButton]),
    leave, log, banner, csat, actions, form,
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);

  /* ---- state ---- */
  var conversationId = null;
  var status = "bot";
  var rendered = {}; // turn id -> element
  var pending = []; // customer bubbles not yet matched to a stored turn: {text, node}
  var stream = null; // {abort}
  var busy = false;

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "null") || {}; } catch (e) { return {}; }
  }
  function save(patch) {
    var value = saved();
    Object.keys(patch).forEach(function (k) { value[k] = patch[k]; });
    try { sessionStorage.setItem(STORE, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function systemNote(text, testid) {
    var node = el("div", { class: "msg system", "data-testid": testid || "fd-note", text: text });
    log.appendChild(node);
    scrollDown();
    return node;
  }

  // "... [1]" markers become links to the numbered source; everything else stays text.
  function answerBody(text, citations) {
    var byNumber = {};
    (citations || []).forEach(function (c) { byNumber[c.number] = c; });
    var body = el("span", { class: "text", dir: "auto" });
    var pattern = /\[(\d{1,2})\]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var citation = byNumber[Number(match[1])];
      if (!citation) continue;
      body.appendChild(linked(text.slice(last, match.index)));
      body.appendChild(el("sup", {}, [citationLink(citation, "[" + citation.number + "]", "fd-citation-ref")]));
      last = match.index + match[0].length;
    }
    body.appendChild(linked(text.slice(last)));
    return body;
  }

  // Web addresses in a reply ("Go to https://parcelly.example/login") as links a phone
  // user can tap, opening in a new tab; the sentence's full stop stays text.
  function linked(text) {
    var out = document.createDocumentFragment();
    var pattern = /https?:\/\/[^\s<>"'()\[\]]+/gi;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?]+$/, "");
      out.appendChild(document.createTextNode(text.slice(last, match.index)));
      out.appendChild(el("a", { class: "url", href: url, target: "_blank", rel: "noopener noreferrer", "data-testid": "fd-link", text: url }));
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  function citationLink(citation, label, testid) {
    var attrs = { "data-testid": testid, title: citation.title, "data-number": citation.number };
    if (citation.url && /^https?:\/\//i.test(citation.url)) {
      attrs.href = citation.url;
      attrs.target = "_blank";
      attrs.rel = "noopener noreferrer";
      attrs.text = label;
      return el("a", attrs);
    }
    attrs.text = label;
    return el("span", attrs);
  }

  function sources(citations) {
    if (!citations || !citations.length) return null;
    var list = el("ol", { class: "sources", "aria-label": T.widget_sources, "data-testid": "fd-sources" });
    citations.forEach(function (c) {
      list.appendChild(el("li", { value: c.number, dir: "auto" }, [citationLink(c, c.title || T.widget_source + " " + c.number, "fd-citation")]));
    });
    return list;
  }

  // On a decline: the help-center articles closest to the question, as links.
  function related(articles) {
    if (!articles || !articles.length) return null;
    // The heading is in the widget's language and takes the panel's direction; titles are
    // the help center's and find their own.
    var title = el("h3", { "data-testid": "fd-related-heading", text: T.widget_related });
    var list = el("ul", { "aria-label": T.widget_related });
    articles.forEach(function (a) {
      list.appendChild(el("li", { dir: "auto" }, [citationLink(a, a.title, "fd-related-link")]));
    });
    return el("div", { class: "related", role: "group", "data-testid": "fd-related" }, [title, list]);
  }

  // Drawn, not an emoji: many systems have no emoji font.
  function thumb(down) {
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", "M7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3zM7 11l4-9a3 3 0 0 1 3 3v4h5.7a2 2 0 0 1 2 2.3l-1.4 9a2 2 0 0 1-2 1.7H7");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linejoin", "round");
    svg.appendChild(path);
    if (down) svg.style.transform = "rotate(180deg)";
    return svg;
  }

  function ratingBar(turn) {
    var bar = el("div", { class: "rate", role: "group", "aria-label": T.widget_helpful_question });
    var note = el("span", { "data-testid": "fd-rating-note" });
    function rate(rating) {
      return function () {
        up.disabled = down.disabled = true;
        api("POST", "/v1/conversations/" + conversationId + "/feedback", { turn_id: turn.id, rating: rating })
          .then(function () {
            (rating === "up" ? up : down).setAttribute("aria-pressed", "true");
            note.textContent = T.widget_feedback_thanks;
            var rated = saved().rated || {};
            rated[turn.id] = rating;
            save({ rated: rated });
          })
          .catch(function (error) {
            up.disabled = down.disabled = false;
            note.textContent = T.widget_feedback_failed + ": " + customerError(error);
          });
      };
    }
    var up = el("button", { type: "button", "aria-label": T.widget_helpful, title: T.widget_helpful, "aria-pressed": "false", "data-testid": "fd-thumb-up", on: { click: rate("up") } }, [thumb(false)]);
    var down = el("button", { type: "button", "aria-label": T.widget_not_helpful, title: T.widget_not_helpful, "aria-pressed": "false", "data-testid": "fd-thumb-down", on: { click: rate("down") } }, [thumb(true)]);
    var previous = (saved().rated || {})[turn.id];
    if (previous) {
      up.disabled = down.disabled = true;
      (previous === "up" ? up : down).setAttribute("aria-pressed", "true");
      note.textContent = T.widget_feedback_thanks;
    }
    bar.appendChild(up);
    bar.appendChild(down);
    bar.appendChild(note);
    return bar;
  }

  function who(role) {
    return { customer: T.widget_you, assistant: T.widget_assistant, agent: T.widget_team }[role] || role;
  }

  function whoLabel(role) {
    return el("span", { class: "who", "data-role": role, text: who(role) });
  }

  function renderTurn(turn) {
    if (!turn || !turn.id || rendered[turn.id]) return;
    if (turn.role === "customer") {
      for (var i = 0; i < pending.length; i++) {
        if (pending[i].text === turn.text) {
          adopt(pending.splice(i, 1)[0].node, turn);
          return;
        }
      }
    }
    var node = el("div", {
      class: "msg " + turn.role, "data-testid": "fd-msg-" + turn.role, "data-turn-id": turn.id,
      "data-outcome": turn.outcome,
    }, [whoLabel(turn.role)]);
    if (turn.role === "assistant") {
      node.appendChild(answerBody(turn.text, turn.citations));
      var cited = sources(turn.citations);
      if (cited) node.appendChild(cited);
      var offered = related(turn.related_articles);
      if (offered) node.appendChild(offered);
      if (turn.outcome !== "handoff") node.appendChild(ratingBar(turn));
    } else {
      // An agent's reply may hold links too; the customer's own words stay text.
      var text = el("span", { class: "text", dir: "auto" });
      text.appendChild(turn.role === "agent" ? linked(turn.text) : document.createTextNode(turn.text));
      node.appendChild(text);
    }
    if (turn.role === "assistant" && turn.reply_language) {
      node.setAttribute("lang", turn.reply_language);
      useLanguage(turn.reply_language);
    }
    rendered[turn.id] = node;
    log.appendChild(node);
    scrollDown();
    if (turn.role === "assistant" && turn.outcome === "handoff") setStatus("human");
  }

  function adopt(node, turn) {
    node.classList.remove("pending");
    node.setAttribute("data-turn-id", turn.id);
    rendered[turn.id] = node;
  }

  function setStatus(next) {
    if (!next) return;
    status = next;
    banner.hidden = status !== "human";
    if (status !== "human") askedToLeave(false); // nothing left to lose
    actions.hidden = status !== "bot";
    // A closed conversation reopens (with the bot) when the customer writes again.
    var closed = status === "closed";
    input.placeholder = closed ? T.widget_placeholder_closed : T.widget_placeholder;
    if (closed) showCsat();
    else { csat.hidden = true; csat.textContent = ""; }
    // The banner or the CSAT question takes room from the log: keep the newest message,
    // often the agent's last reply, in view.
    scrollDown();
  }

  // The placeholder says the conversation ended, but a phone cuts it to "Conversation
  // ended. Write to st…": the rating block says it in full, as a sentence.
  function endedText() { return T.widget_placeholder_closed.replace(/(…|\.\.\.)$/, "."); }

  function showCsat() {
    if (!csat.hidden && csat.firstChild) return; // already asked; keep the user's focus
    csat.hidden = false;
    csat.textContent = "";
    csat.appendChild(el("p", { class: "ended", "data-testid": "fd-ended", text: endedText() }));
    if (saved().csat) {
      csat.appendChild(el("p", { "data-testid": "fd-csat-thanks", role: "status", text: T.csat_thanks }));
      return;
    }
    var scores = el("div", { class: "scores" });
    for (var score = 1; score <= 5; score++) {
      scores.appendChild(el("button", {
        type: "button", "data-testid": "fd-csat-" + score, "data-score": score,
        "aria-label": T["csat_score_" + score], text: String(score),
        on: { click: rateConversation(score) },
      }));
    }
    csat.appendChild(el("fieldset", {}, [
      el("legend", { id: "fd-csat-legend", text: T.csat_prompt }),
      scores,
    ]));
    if (!panel.hidden) {
      var first = scores.querySelector("button");
      if (first && root.activeElement !== input) first.focus({ preventScroll: true });
    }
  }

  function rateConversation(score) {
    return function () {
      csat.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      api("POST", "/v1/conversations/" + conversationId + "/csat", { score: score })
        .then(function () {
          save({ csat: score });
          var asked = csat.querySelector("fieldset");
          if (asked) asked.remove();
          csat.appendChild(el("p", { "data-testid": "fd-csat-thanks", role: "status", text: T.csat_thanks }));
        })
        .catch(function (error) {
          csat.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
          systemNote(T.widget_rating_failed + ": " + customerError(error), "fd-error");
        });
    };
  }

  /* ---- conversation ---- */
  function ensureConversation() {
    if (conversationId) return Promise.resolve(conversationId);
    var body = { channel: "widget" };
    if (LANG_TAG.test(LANG)) body.language = LANG;
    return api("POST", "/v1/conversations", body).then(function (created) {
      conversationId = created.id;
      save({ id: conversationId, csat: null, rated: {} });
      setStatus(created.status || "bot");
      listen();
      return conversationId;
    });
  }

  function load(id) {
    return api("GET", "/v1/conversations/" + id).then(function (conversation) {
      (conversation.turns || []).forEach(renderTurn);
      statusFromServer(conversation.status);
      return conversation;
    });
  }

  // Post a message and read the answer as server-sent events: the draft is shown as the
  // model writes it and replaced by the committed turn ("final"), which the output guard
  // has checked. A server or proxy that answers JSON instead is handled the same way.
  function postMessage(id, text, onDraft) {
    var headers = {
      Authorization: "Bearer " + KEY, "Content-Type": "application/json",
      Accept: "text/event-stream", "Idempotency-Key": requestId(),
    };
    return fetch(API + "/v1/conversations/" + id + "/messages", {
      method: "POST", headers: headers, body: JSON.stringify({ text: text }), cache: "no-store",
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (!response.ok || type.indexOf("text/event-stream") < 0 || !response.body) {
        return common.readJson(response);
      }
      var final = null;
      var failure = null;
      return common.readEvents(response.body, function (name, raw) {
        var payload;
        try { payload = JSON.parse(raw); } catch (e) { return; }
        if (name === "delta" || name === "reset") onDraft(name, payload.text || "");
        else if (name === "final") final = payload;
        else if (name === "error") failure = (payload.error && payload.error.message) || "answering failed";
      }).then(function () {
        if (final) return final;
        var error = new Error(failure || "the answer was interrupted");
        error.interrupted = true;
        throw error;
      });
    });
  }

  function draftBubble() {
    var text = el("span", { class: "text", dir: "auto" });
    var node = el("div", { class: "msg assistant draft", "data-testid": "fd-msg-draft", "aria-busy": "true" }, [
      whoLabel("assistant"), text,
    ]);
    return { node: node, text: text, shown: false };
  }

  function sendMessage(text) {
    var node = el("div", { class: "msg customer pending", "data-testid": "fd-msg-customer" }, [
      whoLabel("customer"),
      el("span", { class: "text", dir: "auto", text: text }),
    ]);
    log.appendChild(node);
    scrollDown();
    var entry = { text: text, node: node };
    pending.push(entry);
    var draft = draftBubble();
    function onDraft(kind, delta) {
      if (kind === "reset") { draft.text.textContent = ""; return; }
      if (!draft.shown) { log.appendChild(draft.node); draft.shown = true; }
      draft.text.textContent += delta;
      scrollDown();
    }
    function dropDraft() { if (draft.node.parentNode) draft.node.parentNode.removeChild(draft.node); }
    setBusy(true);
    var id;
    ensureConversation()
      .then(function (conversation) {
        id = conversation;
        return postMessage(id, text, onDraft);
      })
      .then(function (turn) {
        dropDraft();
        var index = pending.indexOf(entry);
        if (turn.role === "customer") {
          // 202 in human mode: the stored customer turn; an agent will answer.
          if (index >= 0) { pending.splice(index, 1); if (!rendered[turn.id]) adopt(node, turn); }
        } else {
          if (index >= 0) {
            pending.splice(index, 1);
            if (turn.in_reply_to && !rendered[turn.in_reply_to]) adopt(node, { id: turn.in_reply_to });
            else node.classList.remove("pending");
          }
          if (status === "closed") setStatus("bot"); // the server reopened it
          renderTurn(turn);
        }
      })
      .catch(function (error) {
        dropDraft();
        var index = pending.indexOf(entry);
        if (index >= 0) pending.splice(index, 1);
        node.classList.remove("pending");
        if (error.interrupted && id) {
          // The message was acknowledged before the stream broke: show what was stored.
          load(id).catch(function () { /* the live stream still delivers */ });
          return;
        }
        node.classList.add("failed");
        // What was typed is not lost: one click sends it again.
        node.appendChild(el("span", { class: "who", "data-testid": "fd-send-error", text: T.widget_not_sent + ": " + customerError(error) }));
        node.appendChild(el("button", {
          type: "button", class: "retry", "data-testid": "fd-retry", text: T.widget_retry,
          on: { click: function () { if (busy) return; node.parentNode.removeChild(node); sendMessage(text); } },
        }));
        if (error.status === 404) forget();
      })
      .then(function () { setBusy(false); });
  }

  // What a customer can act on: a network failure or an unusable key is said in their
  // language (the site's owner finds the technical reason in the browser console).
  function customerError(error) {
    if (!error.status) return T.widget_offline;
    if (error.status === 401 || error.status === 403 || error.status >= 500) {
      console.warn("frontdesk widget:", error.status, error.message);
      return T.widget_unavailable;
    }
    return error.message;
  }

  function setBusy(value) {
    busy = value;
    send.disabled = busy;
    send.textContent = busy ? "…" : T.widget_send;
    log.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function requestHuman() {
    handoffButton.disabled = true;
    ensureConversation()
      .then(function (id) {
        return api("POST", "/v1/conversations/" + id + "/handoff", { reason: "requested_human" });
      })
      .then(function () {
        setStatus("human");
        // The button just hid itself: keep the keyboard in the widget (Escape, typing).
        input.focus();
      })
      .catch(function (error) {
        if (error.status === 409) return load(conversationId); // already with a person
        systemNote(T.widget_team_failed + ": " + customerError(error), "fd-error");
      })
      .then(function () { handoffButton.disabled = false; });
  }

  function forget() {
    if (stream) stream.abort();
    stream = null;
    conversationId = null;
    rendered = {};
    pending = [];
    try { sessionStorage.removeItem(STORE); } catch (e) { /* private mode */ }
    log.textContent = "";
    setStatus("bot");
  }

  /* ---- live updates: server-sent events over fetch, so the key stays in a header ---- */
  function listen() {
    if (stream) stream.abort();
    var id = conversationId;
    stream = common.follow(API + "/v1/conversations/" + id + "/events", KEY, {
      stopOn: [401, 403, 404],
      onEvent: onEvent,
      // Catch up on anything sent while we were not connected.
      onOpen: function () { load(id).catch(function () { /* the stream still delivers */ }); },
    });
  }

  function onEvent(name, payload) {
    if (name === "turn") {
      if (payload.conversation_id && payload.conversation_id !== conversationId) return;
      renderTurn(payload);
    } else if (name === "status") {
      statusFromServer(payload.status);
    }
  }

  // An agent handed the conversation back: say so, or the customer, seeing only the
  // "a person will reply" banner go, keeps waiting for someone who has left. Also after a
  // reload, while the last message is still the handoff's or the agent's.
  function statusFromServer(next) {
    if (status === "human" && next === "bot") {
      var shown = log.querySelectorAll(".msg:not(.system)");
      var last = shown[shown.length - 1];
      if (last && (last.classList.contains("agent") || last.getAttribute("data-outcome") === "handoff")) {
        systemNote(T.widget_back_to_bot, "fd-back-to-bot");
      }
    }
    setStatus(next);
  }

  /* ---- wiring ---- */
  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.textContent = open ? T.widget_close : T.widget_launcher;
    if (open) { input.focus(); scrollDown(); } else launcher.focus();
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  closeButton.addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    if (!leave.hidden) askedToLeave(false); // Escape answers "keep" before it closes the chat
    else toggle(false);
  });
  handoffButton.addEventListener("click", requestHuman);
  // A person may be writing a reply to this conversation: the widget shows one
  // conversation, so leaving it is asked first (the safe choice has the focus).
  function askedToLeave(shown) {
    if (!shown && leave.contains(root.activeElement)) newButton.focus();
    leave.hidden = !shown;
    // Focus inside the group: a screen reader reads its question with the button.
    if (shown) leaveNo.focus();
  }
  newButton.addEventListener("click", function () {
    if (status === "human" && conversationId) { askedToLeave(leave.hidden); return; }
    forget();
    input.focus();
  });
  // Starting over from a conversation a person handles tells the team the customer left,
  // so the ticket does not wait in their queue for an answer nobody will read.
  leaveYes.addEventListener("click", function () {
    var left = conversationId;
    forget();
    input.focus();
    if (left) api("POST", "/v1/conversations/" + left + "/leave").catch(function (error) {
      console.warn("frontdesk widget: couldn't say the customer left:", error.message);
    });
  });
  leaveNo.addEventListener("click", function () { askedToLeave(false); input.focus(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    sendMessage(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  /* ---- language: the widget's texts follow the language the assistant replies in ---- */
  function useLanguage(language) {
    if (!language || language === textsLanguage || !KEY || !LANG_TAG.test(language)) return;
    textsLanguage = language;
    api("GET", "/v1/tenant/messages?language=" + encodeURIComponent(language))
      .then(function (found) {
        Object.keys(found.messages || {}).forEach(function (k) { T[k] = found.messages[k]; });
        panel.setAttribute("lang", found.language);
        panel.setAttribute("dir", found.dir === "rtl" ? "rtl" : "ltr");
        applyTexts();
      })
      .catch(function () { textsLanguage = null; /* keep the texts shown */ });
  }

  function applyTexts() {
    TITLE = CUSTOM_TITLE || T.widget_title;
    heading.textContent = TITLE;
    panel.setAttribute("aria-label", TITLE + " chat");
    launcher.textContent = panel.hidden ? T.widget_launcher : T.widget_close;
    handoffButton.textContent = T.widget_handoff;
    banner.textContent = T.widget_handoff_banner;
    input.setAttribute("aria-label", T.widget_message_label);
    input.placeholder = status === "closed" ? T.widget_placeholder_closed : T.widget_placeholder;
    if (!busy) send.textContent = T.widget_send;
    newButton.textContent = T.widget_new;
    newButton.title = T.widget_new_title;
    leaveText.textContent = T.widget_new_confirm;
    leaveYes.textContent = T.widget_new_confirm_yes;
    leaveNo.textContent = T.widget_new_confirm_no;
    closeButton.setAttribute("aria-label", T.widget_close);
    var legend = csat.querySelector("legend");
    if (legend) legend.textContent = T.csat_prompt;
    var ended = csat.querySelector(".ended");
    if (ended) ended.textContent = endedText();
    log.setAttribute("aria-label", T.widget_conversation);
    form.setAttribute("aria-label", T.widget_send_form);
    csat.querySelectorAll("[data-score]").forEach(function (b) {
      b.setAttribute("aria-label", T["csat_score_" + b.getAttribute("data-score")]);
    });
    // Bubbles shown before the texts arrived (the first reply in a new language).
    log.querySelectorAll(".who[data-role]").forEach(function (node) {
      node.textContent = who(node.getAttribute("data-role"));
    });
    log.querySelectorAll(".rate").forEach(function (bar) {
      bar.setAttribute("aria-label", T.widget_helpful_question);
      [["fd-thumb-up", T.widget_helpful], ["fd-thumb-down", T.widget_not_helpful]].forEach(function (pair) {
        var button = bar.querySelector('[data-testid="' + pair[0] + '"]');
        if (button) { button.setAttribute("aria-label", pair[1]); button.title = pair[1]; }
      });
      var note = bar.querySelector('[data-testid="fd-rating-note"]');
      if (note && bar.querySelector('[aria-pressed="true"]')) note.textContent = T.widget_feedback_thanks;
    });
    log.querySelectorAll(".sources").forEach(function (list) { list.setAttribute("aria-label", T.widget_sources); });
    log.querySelectorAll(".related").forEach(function (group) {
      group.querySelector("h3").textContent = T.widget_related;
      group.querySelector("ul").setAttribute("aria-label", T.widget_related);
    });
  }

  function mount() {
    document.body.appendChild(host);
    useLanguage(LANG);
    var previous = saved().id;
    if (!KEY) {
      systemNote("This widget has no key: add data-key to its script tag.", "fd-error");
      input.disabled = send.disabled = true;
      return;
    }
    if (previous) {
      conversationId = previous;
      load(previous)
        .then(function () { listen(); })
        .catch(function (error) {
          if (error.status === 404 || error.status === 401) forget();
          else console.error("frontdesk widget:", error);
        });
    }
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
