/*
 * The knowledge screen: the tenant's documents (filter, upload, re-ingest a new version,
 * delete), a search as the bot's retriever sees it, and the quarantined chunks (release
 * after review). Uploads run as background jobs, polled until done.
 */
(function () {
  "use strict";

  var C = window.FrontdeskConsole;
  var el = C.el;
  var documents = [];
  var reingestTarget = null;
  var uploading = false; // an upload is being sent or ingested

  function $(id) { return document.getElementById(id); }

  function say(message, bad) {
    var node = $("knowledge-status");
    node.textContent = message;
    node.className = bad ? "notice bad" : "notice";
  }

  function fileName(uri) { return String(uri || "").split("/").pop(); }

  function isAdmin() { var me = C.me(); return !!me && me.role === "admin"; }

  function renderDocuments() {
    var needle = $("document-search").value.trim().toLowerCase();
    var shown = documents.filter(function (d) {
      return !needle || (d.title + " " + d.uri).toLowerCase().indexOf(needle) >= 0;
    });
    var body = $("documents");
    body.textContent = "";
    shown.forEach(function (doc) {
      var actions = [];
      if (isAdmin()) {
        actions.push(el("button", { type: "button", disabled: uploading, "data-testid": "document-reingest", "aria-label": "Re-ingest " + doc.title + " from a new file", on: { click: function () {
          reingestTarget = doc;
          $("reingest-file").click();
        } } }, ["Re-ingest…"]));
        actions.push(el("button", { type: "button", class: "danger", "data-testid": "document-delete", "aria-label": "Delete " + doc.title, on: { click: function () {
          if (!window.confirm("Delete “" + doc.title + "” from the knowledge?")) return;
          C.api("DELETE", "/v1/knowledge/documents/" + encodeURIComponent(doc.id))
            .then(function () { say("Deleted “" + doc.title + "”."); loadDocuments(); })
            .catch(function (error) { say("Couldn't delete: " + error.message, true); });
        } } }, ["Delete"]));
      }
      body.appendChild(el("tr", { "data-testid": "document-row", "data-id": doc.id }, [
        el("td", {}, [doc.url && /^https?:\/\//i.test(doc.url) ? el("a", { href: doc.url, target: "_blank", rel: "noopener noreferrer", text: doc.title }) : el("span", { text: doc.title })]),
        el("td", { text: fileName(doc.uri) }),
        el("td", { class: "num", text: String(doc.chunk_count) }),
        el("td", { text: new Date(doc.updated_at).toLocaleString() }),
        el("td", {}, [el("div", { class: "buttons" }, actions)]),
      ]));
    });
    $("documents-count").textContent = "(" + shown.length + (shown.length !== documents.length ? " of " + documents.length : "") + ")";
  }

  function loadDocuments() {
    return C.api("GET", "/v1/knowledge/documents").then(function (list) {
      documents = list.sort(function (a, b) { return a.title.localeCompare(b.title); });
      renderDocuments();
    }).catch(function (error) { say("Couldn't load documents: " + error.message, true); });
  }

  // A job succeeds even when some of its files could not be read (empty, no text, bad
  // encoding): those are named with the reason, never reported as "done".
  function sayIngested(what, result) {
    var failed = result.failed || {};
    var uris = Object.keys(failed);
    if (!uris.length) { say(what + ": done."); return; }
    function reason(uri) {
      var text = String(failed[uri]);
      return text.indexOf(uri + ": ") === 0 ? text.slice(uri.length + 2) : text;
    }
    var loaded = ["added", "updated", "unchanged"].reduce(function (n, k) { return n + (result[k] || []).length; }, 0);
    if (!loaded && uris.length === 1) { say(what + ": not added (" + reason(uris[0]) + ").", true); return; }
    var named = uris.map(function (uri) { return fileName(uri) + " (" + reason(uri) + ")"; }).join(", ");
    say(what + (loaded ? ": done, except " : ": not added: ") + named + ".", true);
  }

  function waitForJob(job, what) {
    say(what + ": ingesting…");
    function poll() {
      return C.api("GET", "/v1/jobs/" + encodeURIComponent(job.id)).then(function (state) {
        if (state.status === "queued" || state.status === "running" || state.status === "cancelling") {
          return new Promise(function (resolve) { setTimeout(resolve, 500); }).then(poll);
        }
        if (state.status === "succeeded") sayIngested(what, state.result || {});
        else say(what + ": " + state.status + (state.error ? " (" + state.error + ")" : ""), true);
        loadDocuments();
        loadQuarantine();
        return state;
      });
    }
    return poll();
  }

  function upload(files, what) {
    var form = new FormData();
    files.forEach(function (f) { form.append("files", f, f.name); });
    return fetch("/v1/knowledge/documents", {
      method: "POST",
      headers: { Authorization: "Bearer " + C.key() },
      body: form,
    }).then(FrontdeskCommon.readJson).then(function (job) { return waitForJob(job, what); })
      .catch(function (error) { say("Upload failed: " + error.message, true); });
  }

  // One upload at a time: a second click while the first is sent or ingested would queue
  // the same files again. Re-ingesting waits too.
  function setUploading(value) {
    uploading = value;
    var button = $("upload-submit");
    button.disabled = value;
    button.textContent = value ? "Uploading…" : "Upload";
    $("upload-files").disabled = value;
    $("upload-form").setAttribute("aria-busy", String(value));
    document.querySelectorAll('[data-testid="document-reingest"]').forEach(function (b) { b.disabled = value; });
  }

  function uploadOnce(files, what) {
    if (uploading) return Promise.resolve();
    setUploading(true);
    return upload(files, what).then(function () { setUploading(false); });
  }

  $("upload-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (uploading) return;
    var files = Array.prototype.slice.call($("upload-files").files || []);
    if (!files.length) { say("Choose one or more files first.", true); $("upload-files").focus(); return; }
    uploadOnce(files, files.length === 1 ? files[0].name : files.length + " files").then(function () { $("upload-form").reset(); });
  });

  // Re-ingest: the new file is uploaded under the document's own file name, so it
  // replaces that document's chunks instead of adding a second copy.
  $("reingest-file").addEventListener("change", function () {
    var file = $("reingest-file").files && $("reingest-file").files[0];
    var doc = reingestTarget;
    $("reingest-file").value = "";
    if (!file || !doc) return;
    uploadOnce([new File([file], fileName(doc.uri), { type: file.type })], "Re-ingesting “" + doc.title + "”");
  });

  $("document-search").addEventListener("input", renderDocuments);
  $("document-filter").addEventListener("submit", function (e) { e.preventDefault(); });

  $("knowledge-search").addEventListener("submit", function (e) {
    e.preventDefault();
    var query = $("knowledge-query").value.trim();
    if (!query) return;
    C.api("POST", "/v1/knowledge/search", { query: query, k: 5 }).then(function (passages) {
      var ol = $("passages");
      ol.textContent = "";
      if (!passages.length) ol.appendChild(el("li", { class: "empty", text: "Nothing found." }));
      passages.forEach(function (p) {
        ol.appendChild(el("li", { class: "passage", "data-testid": "passage" }, [
          el("div", { class: "head" }, [el("strong", { text: p.title }), el("span", { text: "score " + p.score.toFixed(3) })]),
          el("p", { class: "text", text: p.text }),
        ]));
      });
    }).catch(function (error) { say("Search failed: " + error.message, true); });
  });

  function loadQuarantine() {
    if (!isAdmin()) return Promise.resolve();
    return C.api("GET", "/v1/knowledge/quarantine").then(function (chunks) {
      var ol = $("quarantine");
      ol.textContent = "";
      if (!chunks.length) ol.appendChild(el("li", { class: "empty", "data-testid": "quarantine-empty", text: "Nothing is held back." }));
      chunks.forEach(function (c) {
        var release = el("button", { type: "button", "data-testid": "quarantine-release", "aria-label": "Release the passage of " + c.title, on: { click: function () {
          C.api("POST", "/v1/knowledge/quarantine/" + encodeURIComponent(c.chunk_id) + "/release")
            .then(function () { say("Released a passage of “" + c.title + "”: answers may use it now."); loadQuarantine(); })
            .catch(function (error) { say("Couldn't release: " + error.message, true); });
        } } }, ["Release"]);
        ol.appendChild(el("li", { class: "passage", "data-testid": "quarantined-chunk" }, [
          el("div", { class: "head" }, [el("strong", { text: c.title }), el("span", { text: c.reason })]),
          el("p", { class: "text", text: c.excerpt }),
          release,
        ]));
      });
    }).catch(function (error) { say("Couldn't load the quarantine: " + error.message, true); });
  }

  C.register("knowledge", function () { loadDocuments(); loadQuarantine(); });
})();
