/*
 * Small SVG charts for the dashboard: no library, no CDN. chart(container, options) draws
 * one or two series over time as lines (or bars), with optional vertical release markers
 * and a dashed threshold line. Points whose value is null leave a gap.
 *
 * options: { times: [Date], series: [{ name, values: [number|null] }], bars: bool,
 *            format: fn(number) -> string, max: number, threshold: number,
 *            markers: [{ time: Date, label: string }] }
 */
var FrontdeskCharts = (function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var W = 640, H = 220, LEFT = 48, RIGHT = 12, TOP = 12, BOTTOM = 28;
  var COLORS = ["#2457d6", "#bf3989"];

  function node(tag, attrs, text) {
    var n = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    var magnitude = Math.pow(10, Math.floor(Math.log(value) / Math.LN10));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * magnitude >= value) return steps[i] * magnitude;
    return 10 * magnitude;
  }

  function label(time, spanHours) {
    var iso = time.toISOString();
    return spanHours <= 48 ? iso.slice(11, 16) : iso.slice(5, 10);
  }

  function chart(container, options) {
    var times = options.times, series = options.series;
    var format = options.format || function (v) { return String(v); };
    var n = times.length;
    var all = [];
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v !== undefined) all.push(v); }); });
    if (options.threshold !== undefined) all.push(options.threshold);
    var max = options.max !== undefined ? options.max : niceMax(Math.max.apply(null, all.concat([0])));
    var plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
    var step = n > 0 ? plotW / n : plotW;
    function x(i) { return LEFT + step * (i + 0.5); }
    function y(v) { return TOP + plotH - (Math.min(v, max) / max) * plotH; }

    var svg = node("svg", { viewBox: "0 0 " + W + " " + H, role: "img",
                            "aria-label": series.map(function (s) { return s.name; }).join(", ") });
    for (var g = 0; g <= 4; g++) {
      var gy = TOP + (plotH * g) / 4;
      svg.appendChild(node("line", { x1: LEFT, x2: W - RIGHT, y1: gy, y2: gy, "class": g === 4 ? "axis" : "grid" }));
      svg.appendChild(node("text", { x: LEFT - 6, y: gy + 4, "text-anchor": "end" }, format(max * (4 - g) / 4)));
    }
    var spanHours = n > 1 ? (times[n - 1] - times[0]) / 3600000 : 1;
    var every = Math.max(1, Math.ceil(n / 8));
    for (var t = 0; t < n; t += every) {
      svg.appendChild(node("text", { x: x(t), y: H - 8, "text-anchor": "middle" }, label(times[t], spanHours)));
    }
    if (options.threshold !== undefined) {
      var ty = y(options.threshold);
      svg.appendChild(node("line", { x1: LEFT, x2: W - RIGHT, y1: ty, y2: ty, "class": "threshold" }));
    }
    (options.markers || []).forEach(function (marker) {
      var index = -1;
      for (var i = 0; i < n; i++) if (times[i] <= marker.time) index = i;
      if (index < 0) return;
      var mx = x(index) - step / 2;
      svg.appendChild(node("line", { x1: mx, x2: mx, y1: TOP, y2: TOP + plotH, "class": "release" }));
      var right = mx > LEFT + plotW * 0.75; // near the right edge the label goes left of the line
      svg.appendChild(node("text", { x: right ? mx - 3 : mx + 3, y: TOP + 10, "class": "release-label",
                                     "text-anchor": right ? "end" : "start",
                                     "data-testid": "release-marker" }, marker.label));
    });
    series.forEach(function (s, k) {
      var color = COLORS[k % COLORS.length];
      if (options.bars) {
        s.values.forEach(function (v, i) {
          if (!v) return;
          var barW = Math.max(1, step * 0.7);
          svg.appendChild(node("rect", { x: x(i) - barW / 2, y: y(v), width: barW, height: TOP + plotH - y(v),
                                         fill: color, rx: 1, "data-value": v }, undefined));
        });
        return;
      }
      var d = "", pen = false;
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        d += (pen ? "L" : "M") + x(i).toFixed(1) + " " + y(v).toFixed(1);
        pen = true;
        svg.appendChild(node("circle", { cx: x(i), cy: y(v), r: n > 60 ? 1.5 : 2.5, fill: color }));
      });
      if (d) svg.appendChild(node("path", { d: d, fill: "none", stroke: color, "stroke-width": 2,
                                            "data-series": s.name }));
    });
    container.replaceChildren(svg);
    if (series.length > 1) {
      var legend = document.createElement("div");
      legend.className = "legend";
      series.forEach(function (s, k) {
        var item = document.createElement("span");
        var swatch = document.createElement("i");
        swatch.className = "s" + k;
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(s.name));
        legend.appendChild(item);
      });
      container.appendChild(legend);
    }
  }

  return { chart: chart };
})();
