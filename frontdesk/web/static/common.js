/*
 * What the chat widget and the agent console share: a DOM builder, JSON requests that throw
 * the API's error shape, and server-sent events read over fetch (EventSource cannot send the
 * key in a header), with a follower that reconnects.
 * The console loads this file before console.js. /widget.js is served with this file inlined
 * in the widget's closure, so an embedding site adds one script tag and gets no new global.
 */
var FrontdeskCommon = (function () {
  "use strict";

  // el("a", { text: "x", on: { click: f }, href: "/" }, [children]): false/null attributes are left out.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "on") Object.keys(value).forEach(function (ev) { node.addEventListener(ev, value[ev]); });
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // The parsed JSON body (null when empty). A failed response throws an Error carrying the
  // API's {"error": {"code", "message", "field"}} as .code, .message and .field, and .status.
  function readJson(response) {
    return response.text().then(function (text) {
      var data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
      if (response.ok) return data;
      var shape = (data && data.error) || {};
      var error = new Error(shape.message || "request failed (" + response.status + ")");
      error.status = response.status;
      error.code = shape.code || null;
      error.field = shape.field || null;
      throw error;
    });
  }

  // request(url, { method, key, body, headers }): fetch with the key as a bearer token and
  // a JSON body, resolved with readJson.
  function request(url, options) {
    var opts = options || {};
    var headers = {};
    if (opts.key !== undefined) headers.Authorization = "Bearer " + opts.key;
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    Object.keys(opts.headers || {}).forEach(function (h) { headers[h] = opts.headers[h]; });
    return fetch(url, {
      method: opts.method || "GET",
      headers: headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }).then(readJson);
  }

  // Calls handler(event, data) for each server-sent event in a fetch body; resolves at its end.
  function readEvents(body, handler) {
    var reader = body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    var event = "message";
    var data = [];
    function line(text) {
      if (text === "") {
        if (data.length) handler(event, data.join("\n"));
        event = "message";
        data = [];
      } else if (text.charAt(0) !== ":") {
        var colon = text.indexOf(":");
        var field = colon < 0 ? text : text.slice(0, colon);
        var value = colon < 0 ? "" : text.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        var parts = buffer.split(/\r\n|\r|\n/);
        buffer = parts.pop();
        parts.forEach(line);
        return pump();
      });
    }
    return pump();
  }

  // Keeps an event stream open, reconnecting after 1 s, 2 s, … up to 30 s (with jitter).
  // A status in opts.stopOn ends it for good (opts.onStop(response)); opts.onOpen() runs at
  // each connection, opts.onDrop() at each loss. Returns { abort }.
  function follow(url, key, opts) {
    var controller = new AbortController();
    var stopped = false;
    var delay = 1000;
    function connect() {
      if (stopped) return;
      fetch(url, {
        headers: { Authorization: "Bearer " + key, Accept: "text/event-stream" },
        signal: controller.signal,
        cache: "no-store",
      })
        .then(function (response) {
          if ((opts.stopOn || []).indexOf(response.status) >= 0) {
            stopped = true;
            if (opts.onStop) opts.onStop(response);
            return null;
          }
          if (!response.ok || !response.body) throw new Error("stream " + response.status);
          delay = 1000;
          if (opts.onOpen) opts.onOpen();
          return readEvents(response.body, function (name, data) {
            var payload;
            try { payload = JSON.parse(data); } catch (e) { return; }
            opts.onEvent(name, payload);
          });
        })
        .catch(function () { /* retried below */ })
        .then(function () {
          if (stopped) return;
          if (opts.onDrop) opts.onDrop();
          setTimeout(connect, delay + Math.random() * 250);
          delay = Math.min(delay * 2, 30000);
        });
    }
    connect();
    return { abort: function () { stopped = true; controller.abort(); } };
  }

  return { el: el, readJson: readJson, request: request, readEvents: readEvents, follow: follow };
})();
