/*
 * One conversation turn as the console shows it: who and when, the bot's outcome,
 * confidence and escalation reason, its answer with numbered citations linked to their
 * sources, and the pipeline trace (per-stage time, flags, scores). Builds elements only;
 * console-ticket.js places them. Extends window.FrontdeskConsole from console.js.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var el = C.el;
  var words = C.words;

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

  function turnItem(turn) {
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
    return item;
  }

  C.turnItem = turnItem;
})();
