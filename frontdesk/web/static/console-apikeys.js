/*
 * The API keys screen (admins): the workspace's keys with their role and last use, a new
 * key (shown once; a widget key with the tag that embeds the chat), and revoking one.
 * The key this console is signed in with cannot be revoked from here.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var el = C.el;

  function $(id) { return document.getElementById(id); }

  function say(message, bad) {
    var node = $("keys-status");
    node.textContent = message;
    node.className = bad ? "notice bad" : "notice";
  }

  function when(iso) { return iso ? new Date(iso).toLocaleString() : "never"; }

  function embedTag(key) {
    return '<script src="' + location.origin + '/widget.js" data-key="' + key + '"></script>';
  }

  function copyButton(text, label) {
    var button = el("button", { type: "button", "data-testid": "new-key-copy", on: { click: function () {
      if (!navigator.clipboard) { say("Select the text and copy it.", true); return; }
      navigator.clipboard.writeText(text)
        .then(function () { button.textContent = "Copied"; })
        .catch(function () { say("Couldn't copy: select the text and copy it.", true); });
    } } }, [label]);
    return button;
  }

  function showNewKey(created) {
    var box = $("new-key");
    box.hidden = false;
    box.textContent = "";
    var what = created.name ? "“" + created.name + "”" : "the new " + created.role + " key";
    box.appendChild(el("p", { text: "Key for " + what + " (shown once, copy it now):" }));
    box.appendChild(el("p", {}, [el("code", { "data-testid": "new-key-value", text: created.key }), " ", copyButton(created.key, "Copy key")]));
    if (created.role === "widget") {
      var tag = embedTag(created.key);
      box.appendChild(el("p", { text: "Paste this tag into your site's pages, before </body>:" }));
      box.appendChild(el("p", {}, [el("code", { "data-testid": "new-key-embed", text: tag }), " ", copyButton(tag, "Copy tag")]));
      box.appendChild(el("p", {}, [el("a", { href: "/demo?key=" + encodeURIComponent(created.key), target: "_blank", rel: "noopener", "data-testid": "new-key-try", text: "Try it on the demo page" })]));
    }
  }

  function revoke(key) {
    var label = (key.name || key.role + " key") + " (" + key.prefix + "…)";
    var consequence = key.role === "widget" ? "The chat stops working on every page that embeds it." : "Whoever uses it is signed out.";
    if (!window.confirm("Revoke " + label + "? " + consequence)) return;
    C.api("DELETE", "/v1/keys/" + encodeURIComponent(key.id))
      .then(function () { say("Revoked " + label + "."); loadKeys(); })
      .catch(function (error) { say("Couldn't revoke: " + error.message, true); });
  }

  function loadKeys() {
    var me = C.me();
    return C.api("GET", "/v1/keys").then(function (keys) {
      var showRevoked = $("keys-show-revoked").checked;
      var body = $("keys");
      body.textContent = "";
      // Widget keys first (what a site embeds), then the newest.
      var order = { widget: 0, agent: 1, admin: 2 };
      keys.filter(function (k) { return showRevoked || !k.revoked_at; })
        .sort(function (a, b) { return (order[a.role] - order[b.role]) || String(b.created_at).localeCompare(String(a.created_at)); })
        .forEach(function (key) {
          var own = me && key.id === me.key_id;
          var action = key.revoked_at ? null : own
            ? el("span", { class: "hint", text: "this console's key" })
            : el("button", { type: "button", class: "danger", "data-testid": "key-revoke", "aria-label": "Revoke " + (key.name || key.prefix), on: { click: function () { revoke(key); } } }, ["Revoke"]);
          body.appendChild(el("tr", { "data-testid": "key-row", "data-id": key.id, "data-role": key.role }, [
            el("td", { text: key.name || "(no name)" }),
            el("td", { text: key.role }),
            el("td", {}, [el("code", { text: key.prefix + "…" })]),
            el("td", { text: when(key.created_at) }),
            el("td", { text: when(key.last_used_at) }),
            el("td", { text: key.revoked_at ? "revoked " + when(key.revoked_at) : "active" }),
            el("td", {}, [action]),
          ]));
        });
      if (!body.firstChild) body.appendChild(el("tr", {}, [el("td", { colspan: "7", class: "empty", text: "No keys." })]));
    }).catch(function (error) { say("Couldn't load the keys: " + error.message, true); });
  }

  $("key-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var button = $("new-key-create");
    button.disabled = true;
    var body = { role: $("new-key-role").value, name: $("new-key-name").value.trim() };
    C.api("POST", "/v1/keys", body).then(function (created) {
      say("Created a " + created.role + " key.");
      showNewKey(created);
      $("new-key-name").value = "";
      loadKeys();
    }).catch(function (error) {
      say("Not created: " + error.message, true);
      if (error.field === "name") $("new-key-name").focus();
    }).then(function () { button.disabled = false; });
  });
  $("keys-show-revoked").addEventListener("change", loadKeys);

  C.register("keys", function () { $("new-key").hidden = true; return loadKeys(); });
})();
