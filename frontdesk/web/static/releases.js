/*
 * The dashboard's releases panel (admin keys only): which release serves production, the
 * candidate and the latest rollout with both arms' figures, every release with "Promote"
 * (the evaluation gate decides; its reasons are shown when it refuses), "Roll back
 * production", "Stop rollout", and the tenant's audit log (releases, keys, settings, knowledge,
 * FAQ approvals, erasures, ticket assignment). Reads /v1/tenant/me (the key's role), then
 * for an admin /v1/releases, /v1/rollouts/latest and /v1/audit; for any other key it stays hidden.
 */
var FrontdeskReleases = (function () {
  "use strict";

  var common = FrontdeskCommon;
  var el = common.el;

  var notice = ""; // what the last action did, shown again after the panel reloads

  function when(iso) { return iso ? new Date(iso).toISOString().slice(0, 16).replace("T", " ") : ""; }
  function pct(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; }

  function arm(name, stats) {
    stats = stats || {};
    return el("span", { "class": "arm", text: name + ": " + (stats.turns || 0) + " turns, errors " +
      pct(stats.error_rate) + ", p95 " + (stats.p95_ms === null || stats.p95_ms === undefined ? "–" : Math.round(stats.p95_ms) + " ms") });
  }

  function render(root, api, data, reload) {
    var list = data.releases.releases.slice().reverse(); // newest first
    var labels = data.releases.labels || {};
    var message = el("p", { "class": notice ? "done" : "error", role: "alert", "data-testid": "releases-message", text: notice });
    notice = "";

    function act(button, method, path, body, done) {
      button.disabled = true;
      message.textContent = "";
      api(method, path, body)
        .then(function (result) { notice = done(result); return reload(); })
        .catch(function (error) { message.className = "error"; message.textContent = error.message; button.disabled = false; });
    }

    var summary = el("p", { "data-testid": "releases-production" }, [
      el("strong", { text: "Production: " }),
      el("span", { text: labels.production || "the configured release (no registry release yet)" }),
      el("span", { "class": "meta", text: labels.candidate ? " · candidate " + labels.candidate : "" }),
    ]);
    var rollback = el("button", { type: "button", "data-testid": "releases-rollback", text: "Roll back production" });
    rollback.disabled = !labels.production;
    rollback.addEventListener("click", function () {
      if (!window.confirm("Make the previous production release current again?")) return;
      act(rollback, "POST", "/v1/releases/rollback", undefined, function (r) { return "Rolled back: production is " + r.production + "."; });
    });

    var rollout = el("div", { "class": "rollout", "data-testid": "releases-rollout" });
    var r = data.rollout;
    if (!r) {
      rollout.appendChild(el("span", { "class": "meta", text: "No rollout yet. Start one with frontdesk rollout start or POST /v1/rollouts." }));
    } else {
      // The share is already a percent (canary 1-50, ab 1-99): 5 is 5%.
      rollout.appendChild(el("div", {}, [
        el("span", { "class": "badge " + (r.state === "running" ? "firing" : "resolved"), text: r.state.replace(/_/g, " ") }),
        el("span", { "data-testid": "releases-rollout-what", text: " " + r.mode + " " + r.share + "% · " + r.candidate + " vs " + r.production + " · since " + when(r.started_at) }),
      ]));
      rollout.appendChild(el("div", { "class": "meta" }, [arm("candidate", r.candidate_stats), el("span", { text: " · " }), arm("production", r.production_stats)]));
      if (r.trigger) rollout.appendChild(el("div", { "class": "meta", text: "trigger: " + JSON.stringify(r.trigger) }));
      if (r.state === "running") {
        var stop = el("button", { type: "button", "data-testid": "releases-stop", text: "Stop rollout" });
        stop.addEventListener("click", function () {
          act(stop, "POST", "/v1/rollouts/stop", undefined, function () { return "Rollout stopped."; });
        });
        rollout.appendChild(stop);
      }
    }

    var table = el("ol", { "class": "release-list", "data-testid": "releases-list" });
    if (!list.length) table.appendChild(el("li", { "class": "empty", text: "No releases in the registry yet (frontdesk releases create FILE)." }));
    list.forEach(function (release) {
      var item = el("li", { "data-testid": "release", "data-release": release.id }, [
        el("span", { "class": "name", text: release.id }),
        el("span", { "class": "meta", text: (release.description ? release.description + " · " : "") + "by " + release.created_by + " · " + when(release.created_at) }),
      ]);
      release.labels.forEach(function (label) { item.appendChild(el("span", { "class": "badge label-" + label, text: label })); });
      if (release.labels.indexOf("production") < 0) {
        var promote = el("button", { type: "button", "data-testid": "release-promote", text: "Promote" });
        promote.addEventListener("click", function () {
          act(promote, "POST", "/v1/releases/" + encodeURIComponent(release.id) + "/promote", { force: false },
              function (res) { return "Promoted " + res.release + " to production (the evaluation gate passed)."; });
        });
        item.appendChild(promote);
      }
      table.appendChild(item);
    });

    var audit = el("ol", { "class": "alerts", "data-testid": "releases-audit" });
    if (!data.audit.length) audit.appendChild(el("li", { "class": "empty", text: "Nothing changed yet." }));
    data.audit.forEach(function (entry) {
      audit.appendChild(el("li", { "data-testid": "audit-entry" }, [
        el("span", { "class": "when", text: when(entry.created_at) }),
        el("span", { "class": "badge", text: entry.action.replace(/_/g, " ") }),
        el("span", { text: entry.target + " · " + entry.actor + change(entry) }),
      ]));
    });

    root.replaceChildren(
      el("h2", { id: "releases-title", text: "Releases" }),
      el("div", { "class": "row" }, [summary, rollback]),
      message,
      el("h3", { text: "Rollout" }), rollout,
      el("h3", { text: "Registry" }), table,
      el("h3", { text: "Audit log" }), audit
    );
    root.hidden = false;
  }

  // What an audit entry changed: a key revoked or a document deleted has only "before".
  function change(entry) {
    function show(value) { return JSON.stringify(value); }
    if (entry.before && entry.after) return " · " + show(entry.before) + " → " + show(entry.after);
    if (entry.after) return " → " + show(entry.after);
    return entry.before ? " · was " + show(entry.before) : "";
  }

  /* Fills ``root`` for an admin key; hides it (and resolves) for any other. */
  function load(root, api) {
    function reload() { return load(root, api); }
    return api("GET", "/v1/tenant/me")
      .then(function (me) {
        if (me.role !== "admin") { root.hidden = true; return null; }
        return api("GET", "/v1/releases");
      })
      .then(function (releases) {
        if (releases === null) return null;
        return Promise.all([
          releases,
          // Never having started a rollout is normal: null, not a 404 in the console.
          api("GET", "/v1/rollouts/latest").then(function (found) { return found.rollout; }),
          api("GET", "/v1/audit?limit=20"),
        ]);
      })
      .then(function (results) {
        if (results) render(root, api, { releases: results[0], rollout: results[1], audit: results[2].entries }, reload);
      });
  }

  return { load: load };
})();
