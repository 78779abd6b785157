/*
 * Frontdesk agent console, the core: the key (kept in sessionStorage), signing in and out,
 * the shared state and helpers, and the live updates from GET /v1/events (read with fetch,
 * so the key travels in a header). Contract: docs/handoff-api.md.
 *
 * The other console scripts, loaded after this one, add to window.FrontdeskConsole: the
 * queue (console-queue.js), the open ticket (console-ticket.js, console-turns.js), the
 * suggested FAQ entries (console-suggestions.js), the screens, knowledge, shortcuts and
 * API keys. A stored key signs in at DOMContentLoaded, once every script has run.
 */
(function () {
  "use strict";

  var common = FrontdeskCommon; // /static/common.js, loaded first
  var KEY_STORE = "frontdesk:console:key";
  var SIGNED_IN = "frontdesk:console:signed-in"; // the key came from e-mail + password
  var state = {
    key: sessionStorage.getItem(KEY_STORE) || "",
    me: null, // GET /v1/tenant/me
    tickets: {}, // id -> ticket
    unread: {}, // conversation id -> count of customer turns since last viewed
    selected: null, // the open ticket, with .conversation
    // Unsent reply and note per ticket: switching tickets must never carry a reply written
    // for one customer over to another.
    drafts: {}, // ticket id -> {reply, note}
  };
  var signInHooks = [];
  var stream = null;

  function $(id) { return document.getElementById(id); }

  var el = common.el;

  function api(method, path, body) {
    return common.request(path, { method: method, key: state.key, body: body });
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

  function stripConversation(ticket) {
    var copy = {};
    Object.keys(ticket).forEach(function (k) { if (k !== "conversation") copy[k] = ticket[k]; });
    return copy;
  }

  // The customer left the chat while the ticket waited (the widget's "Start new").
  function left(ticket) { return ticket.status !== "resolved" && !!ticket.customer_left_at; }

  // For the other console scripts: one key, one identity, one open ticket.
  var C = window.FrontdeskConsole = {
    state: state,
    api: api,
    el: el,
    ago: ago,
    words: words,
    removedText: removedText,
    notify: notify,
    stripConversation: stripConversation,
    left: left,
    key: function () { return state.key; },
    me: function () { return state.me; },
    onSignIn: function (hook) { signInHooks.push(hook); if (state.me) hook(state.me); },
    selected: function () { return state.selected; },
  };

  /* ---- sign in ---- */
  // Header controls that need a key: hidden while signed out.
  // The live badge too: before signing in nothing is connected, and "offline" there read
  // as "the server is down".
  function signedInControls(visible) {
    ["live", "suggestions-toggle", "help-toggle", "sign-out"].forEach(function (id) { $(id).hidden = !visible; });
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
    $("whoami").title = "";
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("password-error").textContent = "";
    $("signin-tenant").focus();
  }

  function loginError(error) {
    if (error.status === 401) return "That key is not valid (or was revoked).";
    if (error.status === 403) return "This key can't open the console: use an agent or admin key, not a widget key.";
    return "Couldn't reach Frontdesk: " + error.message;
  }
  C.showLogin = showLogin;
  C.loginError = loginError;

  function start() {
    return api("GET", "/v1/tenant/me").then(function (who) {
      if (who.role !== "agent" && who.role !== "admin") {
        var error = new Error("not a staff key");
        error.status = 403;
        throw error;
      }
      state.me = who;
      C.loadReasons();
      return api("GET", "/v1/tickets" + C.filterQuery());
    }).then(function (list) {
      var me = state.me;
      $("login").hidden = true;
      $("app").hidden = false;
      signedInControls(true);
      $("whoami").textContent = me.name + " · " + me.tenant + " · " + me.role;
      $("whoami").title = $("whoami").textContent;  // the header may cut a long name
      document.body.classList.toggle("is-admin", me.role === "admin");
      document.querySelectorAll("[data-admin]").forEach(function (node) { node.hidden = me.role !== "admin"; });
      C.replaceQueue(list);
      listen();
      C.reloadAgents();
      C.reloadCanned();
      signInHooks.forEach(function (hook) { hook(me); });
    });
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    state.key = $("key-input").value.trim();
    start()
      .then(function () {
        sessionStorage.setItem(KEY_STORE, state.key);
        sessionStorage.removeItem(SIGNED_IN);
        $("key-input").value = "";
      })
      .catch(function (error) { state.key = ""; showLogin(loginError(error)); });
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
        state.key = result.key;
        return start().then(function () {
          sessionStorage.setItem(KEY_STORE, state.key);
          sessionStorage.setItem(SIGNED_IN, "1");
          $("signin-password").value = "";
        });
      })
      .catch(function (error) {
        state.key = "";
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
    state.key = "";
    state.me = null;
    state.selected = null;
    state.drafts = {};
    $("detail-body").hidden = true;
    $("detail-empty").hidden = false;
    showLogin("");
  });

  /* ---- live updates ---- */
  function onEvent(name, payload) {
    var selected = state.selected;
    if (name === "ticket") {
      state.tickets[payload.id] = stripConversation(payload);
      C.renderQueue();
      C.reloadQueueSoon(); // the server applies the filters
      if (selected && selected.id === payload.id) {
        Object.keys(payload).forEach(function (k) { if (k !== "conversation") selected[k] = payload[k]; });
        C.renderMeta();
      }
    } else if (name === "note") {
      if (selected && selected.id === payload.ticket_id) C.appendNote(payload);
    } else if (name === "turn") {
      var conversationId = payload.conversation_id;
      if (selected && selected.conversation_id === conversationId) {
        C.appendTurn(payload);
      } else if (payload.role === "customer") {
        state.unread[conversationId] = (state.unread[conversationId] || 0) + 1;
        C.renderQueue();
      }
    }
  }

  function listen() {
    if (stream) stream.abort();
    var live = $("live");
    function show(status, text) {
      live.textContent = text;
      live.className = status === "live" ? "live on" : "live";
      live.setAttribute("data-state", status);
    }
    show("connecting", "connecting…"); // not the last session's "live"
    stream = common.follow("/v1/events", state.key, {
      stopOn: [401, 403],
      onStop: function () { showLogin("Your key stopped working; sign in again."); },
      onEvent: onEvent,
      onOpen: function () {
        show("live", "live");
        // Anything that happened while disconnected.
        C.loadQueue();
        if (state.selected) C.openTicket(state.selected.id);
      },
      onDrop: function () { show("reconnecting", "reconnecting…"); },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (state.key) {
      start().catch(function (error) { sessionStorage.removeItem(KEY_STORE); state.key = ""; showLogin(loginError(error)); });
    } else {
      showLogin("");
    }
  });
})();
