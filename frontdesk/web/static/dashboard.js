/*
 * Frontdesk dashboard: how the assistant is doing over a range, the questions it could not
 * answer (with "add to knowledge"), alerts, and for admins the releases panel
 * (/static/releases.js), and whether customers of each language are served alike. Reads
 * GET /v1/stats/summary, /v1/stats/fairness, /v1/alerts/rules and /v1/alerts with an
 * agent or admin key kept in sessionStorage (shared with the console).
 */
(function () {
  "use strict";

  var common = FrontdeskCommon; // /static/common.js
  var charts = FrontdeskCharts; // /static/charts.js
  var KEY_STORE = "frontdesk:console:key";
  var key = sessionStorage.getItem(KEY_STORE) || "";
  var el = common.el;

  function $(id) { return document.getElementById(id); }
  function api(method, path, body) { return common.request(path, { method: method, key: key, body: body }); }
  function percent(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; }
  function number(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }
  function when(iso) { return iso ? new Date(iso).toISOString().slice(0, 16).replace("T", " ") : ""; }
  function words(value) { return String(value || "").replace(/_/g, " "); }
  var REASONS = { requested_human: "customer asked for a person" };
  function reasonText(reason) { return REASONS[reason] || words(reason); }

  function showLogin(message) {
    $("app").hidden = true;
    $("controls").hidden = true;
    $("sign-out").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("key-input").focus();
  }

  function status(text, bad) {
    $("status").textContent = text;
    $("status").className = bad ? "status bad" : "status";
  }

  function query() {
    var form = $("controls");
    var hours = Number(form.elements.range.value);
    var to = new Date();
    var from = new Date(to.getTime() - hours * 3600 * 1000);
    if (hours > 48) { // whole UTC days: the server then reads its daily rollups
      // "Last 7 days" is today and the 6 before it: 7 days, not 8.
      to.setUTCHours(24, 0, 0, 0);
      from = new Date(to.getTime() - hours * 3600 * 1000);
    }
    var params = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    params.set("bucket", hours <= 48 ? "hour" : "day");
    if (form.elements.release.value) params.set("release", form.elements.release.value);
    return "/v1/stats/summary?" + params.toString();
  }

  function renderKpis(s) {
    // A range without turns has no rates: "–", as for latency, not "0.0% answered".
    function rate(v) { return s.turns ? percent(v) : "–"; }
    $("kpi-turns").textContent = String(s.turns);
    $("kpi-answered").textContent = rate(s.answered_rate);
    $("kpi-escalated").textContent = rate(s.escalation_rate);
    $("kpi-p95").textContent = s.p95_ms === null ? "–" : Math.round(s.p95_ms) + " ms";
    $("kpi-confidence").textContent = number(s.mean_confidence, 2);
    $("kpi-safety").textContent = rate(s.safety_trigger_rate);
    $("kpi-csat").textContent = s.csat_mean === null ? "–" : number(s.csat_mean, 1) + " / 5";
    $("kpi-feedback").textContent = feedback(s);
    $("kpi-tokens").textContent = s.tokens + " · " + number(s.cost, 4);
  }

  // What the CSAT mean is of, and the thumbs on single answers: one 4 / 5 is not a trend.
  function feedback(s) {
    var parts = [];
    if (s.csat_count) parts.push(s.csat_count + " rating" + (s.csat_count === 1 ? "" : "s"));
    if (s.thumbs_up || s.thumbs_down) parts.push(s.thumbs_up + " helpful, " + s.thumbs_down + " not helpful");
    return parts.length ? parts.join(" · ") : "No ratings yet";
  }

  function renderCharts(s) {
    var times = s.series.map(function (p) { return new Date(p.start); });
    var markers = s.releases.map(function (r) { return { time: new Date(r.first_seen), label: r.release }; });
    function values(name) {
      return s.series.map(function (p) { return p.turns ? p[name] : null; });
    }
    charts.chart($("chart-turns"), {
      times: times, bars: true, markers: markers,
      series: [{ name: "turns", values: s.series.map(function (p) { return p.turns; }) }],
    });
    charts.chart($("chart-rates"), {
      times: times, max: 1, markers: markers, format: function (v) { return Math.round(v * 100) + "%"; },
      series: [{ name: "answered", values: values("answered_rate") },
               { name: "escalated", values: values("escalation_rate") }],
    });
    charts.chart($("chart-latency"), {
      times: times, markers: markers, threshold: 5000, format: function (v) { return Math.round(v); },
      series: [{ name: "p95 ms", values: values("p95_ms") }],
    });
    charts.chart($("chart-confidence"), {
      times: times, max: 1, markers: markers, format: function (v) { return v.toFixed(2); },
      series: [{ name: "mean confidence", values: values("mean_confidence") }],
    });
  }

  function faqForm(group, item) {
    var question = el("input", { type: "text", value: group.question, "aria-label": "Question",
                                 "data-testid": "faq-question" });
    var answer = el("textarea", { rows: 3, placeholder: "The answer customers should get",
                                  "aria-label": "Answer", required: true, "data-testid": "faq-answer" });
    var error = el("p", { "class": "error", role: "alert" });
    var form = el("form", { "class": "faq-form", "data-testid": "faq-form" }, [
      question, answer,
      el("div", { "class": "row" }, [
        el("button", { type: "submit", "data-testid": "faq-save", text: "Add to knowledge" }),
        el("button", { type: "button", text: "Cancel", on: { click: function () { form.remove(); } } }),
      ]),
      error,
    ]);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!answer.value.trim()) { error.textContent = "Write the answer first."; return; }
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      api("POST", "/v1/knowledge/faq", { question: question.value.trim(), answer: answer.value.trim() })
        .then(function () {
          form.replaceWith(el("p", { "class": "done", role: "status", "data-testid": "faq-added",
                                     text: "Added: the assistant answers this from now on." }));
        })
        .catch(function (err) {
          error.textContent = err.message;
          form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        });
    });
    item.appendChild(form);
    answer.focus();
  }

  function renderQuestions(list, groups, withAdd, emptyText) {
    list.replaceChildren();
    if (!groups.length) {
      list.appendChild(el("li", { "class": "empty", text: emptyText }));
      return;
    }
    groups.forEach(function (group) {
      var reasons = Object.keys(group.reasons || {}).map(reasonText).join(", ");
      // A handoff no question led to: the customer pressed "Talk to a person".
      var asked = group.question !== null;
      var item = el("li", { "data-testid": "question", "data-asked": String(asked) }, [
        el("div", { "class": "line" }, [
          el("span", { "class": "count", text: "×" + group.count }),
          el("span", { "class": asked ? "text" : "text unasked",
                       text: asked ? group.question : "Asked for a person (“Talk to a person”), no question" }),
        ]),
        el("div", { "class": "meta", text: "last " + when(group.last_seen) + (reasons ? " · " + reasons : "") }),
      ]);
      if (withAdd) {
        var button = el("button", { type: "button", "data-testid": "add-to-knowledge", text: "Add to knowledge" });
        button.addEventListener("click", function () {
          if (!item.querySelector("form")) faqForm(group, item);
        });
        item.firstChild.appendChild(button);
      }
      list.appendChild(item);
    });
  }

  function renderAlerts(rules, history) {
    $("rules").replaceChildren.apply($("rules"), rules.map(function (rule) {
      var value = rule.last_value === null ? "no data yet" : "now " + number(rule.last_value, rule.metric === "p95_latency_ms" ? 0 : 3);
      return el("li", { "data-testid": "alert-rule", "data-state": rule.state }, [
        el("span", { "class": "badge " + rule.state, text: rule.state }),
        el("span", { "class": "name", text: rule.name + (rule.enabled ? "" : " (off)") }),
        el("span", { "class": "meta", text: value + " · limit " + rule.threshold }),
      ]);
    }));
    var list = $("alerts");
    list.replaceChildren();
    if (!history.length) list.appendChild(el("li", { "class": "empty", text: "No alert has fired." }));
    history.forEach(function (event) {
      list.appendChild(el("li", { "data-testid": "alert-event", "data-state": event.state }, [
        el("span", { "class": "when", text: when(event.created_at) }),
        el("span", { "class": "badge " + event.state, text: event.state }),
        el("span", { text: event.rule_name + " · " + number(event.value, 3) + " (limit " + event.threshold + ")" }),
      ]));
    });
  }

  function fairnessQuery() {
    var days = Number($("controls").elements.range.value) / 24;
    return "/v1/stats/fairness?" + new URLSearchParams({ by: "language", days: String(days) }).toString();
  }

  function rateCell(segment, metric) {
    var interval = segment.intervals[metric];
    return el("td", {}, [
      el("span", { text: percent(segment[metric]) }),
      el("span", { "class": "ci", text: interval ? "(" + percent(interval[0]) + "–" + percent(interval[1]) + ")" : "" }),
    ]);
  }

  function renderFairness(report) {
    var flagged = {};
    report.flagged.forEach(function (f) { flagged[f.value] = (flagged[f.value] || []).concat(words(f.metric)); });
    var rows = $("fairness-rows");
    rows.replaceChildren();
    if (!report.segments.length) {
      rows.appendChild(el("tr", {}, [el("td", { colspan: 7, "class": "empty", text: "No answered turns in this range." })]));
    }
    report.segments.forEach(function (s) {
      rows.appendChild(el("tr", { "class": flagged[s.value] ? "flagged" : "", "data-testid": "fairness-row",
                                  "data-segment": s.value }, [
        el("td", { text: s.value }),
        el("td", { text: String(s.n) }),
        rateCell(s, "escalation_rate"),
        rateCell(s, "refusal_rate"),
        el("td", { text: s.csat_mean === null ? "–" : number(s.csat_mean, 1) }),
        el("td", { text: s.p50_ms === null ? "–" : Math.round(s.p50_ms) + " ms" }),
        el("td", { text: s.n >= report.min_n ? percent(s.gap) : "too few" }),
      ]));
    });
    $("fairness-flags").textContent = report.flagged.length
      ? report.flagged.map(function (f) {
          return f.value + ": " + words(f.metric) + " " + percent(f.gap) + " worse than " + f.best;
        }).join(" · ")
      : "No gap above " + percent(report.threshold) + " that the intervals confirm.";
    $("fairness-flags").className = report.flagged.length ? "flags error" : "flags";
  }

  function fillReleases(releases) {
    var select = $("controls").elements.release;
    var chosen = select.value;
    var known = {};
    Array.prototype.forEach.call(select.options, function (o) { known[o.value] = true; });
    releases.forEach(function (r) {
      if (!known[r.release]) select.appendChild(el("option", { value: r.release, text: r.release || "(none)" }));
    });
    select.value = chosen;
  }

  function load() {
    status("Loading…");
    // The summary first: a wrong key fails once, before the other two calls are made.
    return api("GET", query())
      .then(function (summary) {
        return Promise.all([summary, api("GET", "/v1/alerts/rules"), api("GET", "/v1/alerts?limit=50"),
                            FrontdeskReleases.load($("releases"), api), api("GET", fairnessQuery())]);
      })
      .then(function (results) {
        var summary = results[0];
        renderKpis(summary);
        renderCharts(summary);
        fillReleases(summary.releases);
        renderQuestions($("unanswered"), summary.top_unanswered, true, "Nothing unanswered in this range.");
        // Every handoff the escalation rate counts, those asked for with "Talk to a person" too.
        renderQuestions($("escalated"), summary.top_escalated, false, "No handoffs in this range.");
        renderAlerts(results[1], results[2]);
        renderFairness(results[4]);
        $("login").hidden = true;
        $("app").hidden = false;
        $("controls").hidden = false;
        $("sign-out").hidden = false;
        status("Updated " + new Date().toLocaleTimeString() + " · " + when(summary.from) + " to " + when(summary.to) + " UTC");
      });
  }

  function loginError(error) {
    if (error.status === 401) return "That key is not valid (or was revoked).";
    if (error.status === 403) return "This key can't open the dashboard: use an agent or admin key, not a widget key.";
    return "Couldn't reach Frontdesk: " + error.message;
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    key = $("key-input").value.trim();
    load()
      .then(function () { sessionStorage.setItem(KEY_STORE, key); $("key-input").value = ""; })
      .catch(function (error) { key = ""; showLogin(loginError(error)); });
  });

  $("controls").addEventListener("change", function () {
    load().catch(function (error) { status(error.message, true); });
  });

  $("sign-out").addEventListener("click", function () {
    sessionStorage.removeItem(KEY_STORE);
    key = "";
    showLogin("");
  });

  if (key) load().catch(function (error) { sessionStorage.removeItem(KEY_STORE); key = ""; showLogin(loginError(error)); });
  else showLogin("");
})();
