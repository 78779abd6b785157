/*
 * The console's other screens: switching between them, canned replies (any agent), the
 * team (admins: add agents, give them a key, disable them) and tenant settings (admins).
 * Uses window.FrontdeskConsole from console.js for the key and the caller's identity.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var el = C.el;
  var SCREENS = { queue: "app", knowledge: "knowledge-screen", replies: "replies-screen", team: "team-screen", keys: "keys-screen", settings: "settings-screen" };
  var loaders = {};

  function $(id) { return document.getElementById(id); }

  function say(id, message, bad) {
    var node = $(id);
    node.textContent = message;
    node.className = bad ? "notice bad" : "notice";
  }

  function show(name) {
    var me = C.me();
    if (!me || !SCREENS[name]) return;
    var button = document.querySelector('#nav [data-screen="' + name + '"]');
    if (!button || button.hidden) return;
    Object.keys(SCREENS).forEach(function (screen) { $(SCREENS[screen]).hidden = screen !== name; });
    document.querySelectorAll("#nav [data-screen]").forEach(function (b) {
      if (b.getAttribute("data-screen") === name) b.setAttribute("aria-current", "page");
      else b.removeAttribute("aria-current");
    });
    if (loaders[name]) loaders[name]();
    // Focus the screen's heading, so a screen reader announces where the user is.
    var heading = $(SCREENS[name]).querySelector("h2");
    if (heading && name !== "queue") { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  document.querySelectorAll("#nav [data-screen]").forEach(function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-screen")); });
  });
  C.show = show;
  C.register = function (name, loader) { loaders[name] = loader; };

  C.onSignIn(function (me) {
    document.querySelectorAll("[data-admin-only]").forEach(function (node) { node.hidden = me.role !== "admin"; });
    show("queue");
  });

  /* ---- canned replies ---- */
  function editCanned(reply) {
    $("canned-id").value = reply ? reply.id : "";
    $("canned-title").value = reply ? reply.title : "";
    $("canned-body").value = reply ? reply.body : "";
    $("canned-save").textContent = reply ? "Save changes" : "Save reply";
    $("canned-title").focus();
  }

  function loadCannedList() {
    return C.api("GET", "/v1/canned-replies").then(function (list) {
      var ul = $("canned-list");
      ul.textContent = "";
      if (!list.length) ul.appendChild(el("li", { class: "empty", text: "No canned replies yet." }));
      list.forEach(function (reply) {
        ul.appendChild(el("li", { class: "card", "data-testid": "canned-item", "data-id": reply.id }, [
          el("h3", { text: reply.title }),
          el("p", { class: "text", text: reply.body }),
          el("p", { class: "hint", text: "by " + reply.created_by }),
          el("div", { class: "buttons" }, [
            el("button", { type: "button", "data-testid": "canned-edit", "aria-label": "Edit " + reply.title, on: { click: function () { editCanned(reply); } } }, ["Edit"]),
            el("button", { type: "button", class: "danger", "data-testid": "canned-delete", "aria-label": "Delete " + reply.title, on: { click: function () {
              // Canned replies are shared by the whole team: a stray click must not lose one.
              if (!window.confirm("Delete the canned reply “" + reply.title + "” for everyone on the team?")) return;
              C.api("DELETE", "/v1/canned-replies/" + encodeURIComponent(reply.id))
                .then(function () { say("canned-status", "Deleted “" + reply.title + "”."); loadCannedList(); C.reloadCanned(); })
                .catch(function (error) { say("canned-status", error.message, true); });
            } } }, ["Delete"]),
          ]),
        ]));
      });
    }).catch(function (error) { say("canned-status", "Couldn't load canned replies: " + error.message, true); });
  }

  $("canned-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = $("canned-id").value;
    var body = { title: $("canned-title").value.trim(), body: $("canned-body").value.trim() };
    var request = id ? C.api("PATCH", "/v1/canned-replies/" + encodeURIComponent(id), body) : C.api("POST", "/v1/canned-replies", body);
    request.then(function (reply) {
      say("canned-status", "Saved “" + reply.title + "”.");
      editCanned(null);
      loadCannedList();
      C.reloadCanned();
    }).catch(function (error) {
      say("canned-status", "Not saved: " + error.message, true);
      if (error.field === "body") $("canned-body").focus();
      else if (error.field === "title") $("canned-title").focus();
    });
  });
  $("canned-new").addEventListener("click", function () {
    editCanned(null);
    say("canned-status", ""); // "Saved …" was about the previous reply
  });
  C.register("replies", loadCannedList);

  /* ---- team (admins) ---- */
  function showKey(agent, key) {
    var box = $("agent-key");
    box.hidden = false;
    box.textContent = "";
    box.appendChild(document.createTextNode("Key for " + agent.name + " (shown once, copy it now): "));
    box.appendChild(el("code", { "data-testid": "agent-key-value", text: key }));
  }

  function loadTeam() {
    $("agent-key").hidden = true;
    return C.api("GET", "/v1/agents").then(function (list) {
      var body = $("agents");
      body.textContent = "";
      if (!list.length) {
        body.appendChild(el("tr", { "data-testid": "agents-empty" }, [
          el("td", { colspan: "5", class: "empty", text: "No agent accounts yet: add one above. Keys without an agent account (e.g. made with 'frontdesk keys create') are on the API keys screen." }),
        ]));
      }
      list.forEach(function (agent) {
        var toggle = el("button", { type: "button", "data-testid": "agent-toggle", "aria-label": (agent.active ? "Disable " : "Enable ") + agent.name, on: { click: function () {
          C.api("PATCH", "/v1/agents/" + encodeURIComponent(agent.id), { disabled: agent.active })
            .then(function (updated) { say("team-status", updated.name + (updated.active ? " can sign in again." : " is disabled: their keys stopped working.")); loadTeam(); C.reloadAgents(); })
            .catch(function (error) { say("team-status", error.message, true); });
        } } }, [agent.active ? "Disable" : "Enable"]);
        var issue = el("button", { type: "button", "data-testid": "agent-issue-key", disabled: !agent.active, "aria-label": "New API key for " + agent.name, on: { click: function () {
          C.api("POST", "/v1/agents/" + encodeURIComponent(agent.id) + "/keys")
            .then(function (result) { showKey(agent, result.key); })
            .catch(function (error) { say("team-status", error.message, true); });
        } } }, ["New key"]);
        body.appendChild(el("tr", { "data-testid": "agent-row", "data-id": agent.id }, [
          el("td", { text: agent.name }),
          el("td", { text: agent.email }),
          el("td", { text: agent.has_password ? "password or key" : "key only" }),
          el("td", { text: agent.active ? "active" : "disabled" }),
          el("td", {}, [el("div", { class: "buttons" }, [issue, toggle])]),
        ]));
      });
    }).catch(function (error) { say("team-status", "Couldn't load the team: " + error.message, true); });
  }

  $("agent-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = { name: $("agent-name").value.trim(), email: $("agent-email").value.trim() };
    if ($("agent-password").value) body.password = $("agent-password").value;
    C.api("POST", "/v1/agents", body).then(function (agent) {
      say("team-status", "Added " + agent.name + ".");
      $("agent-form").reset();
      loadTeam();
      C.reloadAgents();
    }).catch(function (error) {
      say("team-status", "Not added: " + error.message, true);
      var field = { name: "agent-name", email: "agent-email", password: "agent-password" }[error.field];
      if (field) $(field).focus();
    });
  });
  C.register("team", loadTeam);

  /* ---- tenant settings (admins) ---- */
  var current = null;
  function loadSettings() {
    // Busy until filled in, so nobody edits a field the response is about to overwrite.
    $("settings-form").setAttribute("aria-busy", "true");
    $("settings-save").disabled = true;
    return C.api("GET", "/v1/tenant/settings").then(function (settings) {
      current = settings;
      say("settings-status", "");
      $("set-reveal").checked = !!settings.reveal_pii_to_agents;
      $("set-languages").value = (settings.languages || []).join(", ");
      $("set-contacts").value = (settings.contact_allowlist || []).join("\n");
      $("set-retention").value = settings.retention_days || "";
      $("settings-form").setAttribute("aria-busy", "false");
      $("settings-save").disabled = false;
    }).catch(function (error) { say("settings-status", "Couldn't load the settings: " + error.message, true); });
  }

  function list(text, separator) {
    return text.split(separator).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  $("settings-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var retention = $("set-retention").value.trim();
    var body = {
      reveal_pii_to_agents: $("set-reveal").checked,
      languages: list($("set-languages").value, ","),
      contact_allowlist: list($("set-contacts").value, /\n/),
      retention_days: retention ? Number(retention) : null,
    };
    C.api("PATCH", "/v1/tenant/settings", body).then(function (settings) {
      current = settings;
      say("settings-status", "Saved.");
    }).catch(function (error) {
      say("settings-status", "Not saved: " + error.message, true);
      var field = { languages: "set-languages", contact_allowlist: "set-contacts", retention_days: "set-retention" }[String(error.field || "").split(".")[0]];
      if (field) $(field).focus();
    });
  });
  C.register("settings", loadSettings);
})();
