// Drawing the Gantt chart in SVG: the time scale (header), the shaded non-working days, the
// today line, baseline bars, task bars, milestone diamonds and the dependency arrows.
// Everything here is geometry from a layout; state and interaction live in gantt.js.
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var G = window.WorkOSGantt;
  var D = G.dates;
  var ROW = 36, HEAD = 48, BAR_Y = 8, BAR_H = 16, BASE_Y = 27, BASE_H = 5, GAP = 8, DIAMOND = 8;

  function el(tag, attrs, parent, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function x(layout, day) { return (day - layout.start) * layout.px; }

  function clear(svg, width, height) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
  }

  // Runs of consecutive non-working days, as [first, last] pairs.
  function offRuns(layout) {
    var runs = [], open = null;
    for (var day = layout.start; day < layout.start + layout.days; day++) {
      if (!layout.calendar.isWorking(day)) {
        if (open === null) open = day;
      } else if (open !== null) {
        runs.push([open, day - 1]);
        open = null;
      }
    }
    if (open !== null) runs.push([open, layout.start + layout.days - 1]);
    return runs;
  }

  function shade(svg, layout, height) {
    var cls = layout.zoom === "month" ? "off faint" : "off"; // weekends at 4 px a day are stripes
    offRuns(layout).forEach(function (run) {
      el("rect", { x: x(layout, run[0]), y: 0, width: (run[1] - run[0] + 1) * layout.px,
                   height: height, "class": cls }, svg);
    });
  }

  // The days where a tick (and a label) goes at this zoom: each day, each Monday, each month.
  function ticks(layout) {
    var out = [], end = layout.start + layout.days, day;
    if (layout.zoom === "month") {
      for (day = D.firstOfMonth(layout.start); day < end; day = D.addMonths(day, 1)) {
        if (day >= layout.start) out.push(day);
      }
      return out;
    }
    for (day = layout.start; day < end; day++) {
      if (layout.zoom === "day" || D.weekday(day) === 0) out.push(day);
    }
    return out;
  }

  function head(svg, layout) {
    var width = layout.days * layout.px;
    clear(svg, width, HEAD);
    el("rect", { x: 0, y: 0, width: width, height: HEAD, "class": "head-bg" }, svg);
    if (layout.zoom !== "month") shade(svg, layout, HEAD);
    // Top band: months (years at month zoom), labelled where each begins.
    var end = layout.start + layout.days;
    var first = layout.zoom === "month" ? null : D.firstOfMonth(layout.start);
    if (layout.zoom === "month") {
      for (var year = D.parts(layout.start).year; ; year++) {
        var jan = D.parse(year + "-01-01"), at = Math.max(jan, layout.start);
        if (at >= end) break;
        el("line", { x1: x(layout, at), x2: x(layout, at), y1: 0, y2: HEAD / 2, "class": "tick major" }, svg);
        el("text", { x: x(layout, at) + 6, y: 16, "class": "band" }, svg, String(year));
      }
    } else {
      for (var month = first; month < end; month = D.addMonths(month, 1)) {
        var from = Math.max(month, layout.start), p = D.parts(month);
        el("line", { x1: x(layout, from), x2: x(layout, from), y1: 0, y2: HEAD / 2, "class": "tick major" }, svg);
        el("text", { x: x(layout, from) + 6, y: 16, "class": "band" }, svg, D.MONTHS[p.month] + " " + p.year);
      }
    }
    el("line", { x1: 0, x2: width, y1: HEAD / 2, y2: HEAD / 2, "class": "tick" }, svg);
    ticks(layout).forEach(function (day) {
      var p = D.parts(day), label;
      if (layout.zoom === "day") label = String(p.date);
      else if (layout.zoom === "week") label = D.short(day);
      else label = D.MONTHS[p.month];
      el("line", { x1: x(layout, day), x2: x(layout, day), y1: HEAD / 2, y2: HEAD, "class": "tick" }, svg);
      var anchor = layout.zoom === "day" ? x(layout, day) + layout.px / 2 : x(layout, day) + 4;
      el("text", { x: anchor, y: HEAD - 8, "class": "scale" + (layout.zoom === "day" ? " centred" : "")
                   + (layout.calendar.isWorking(day) || layout.zoom === "month" ? "" : " off-label") },
         svg, label);
    });
    if (layout.today !== null) {
      var tx = x(layout, layout.today) + layout.px / 2;
      el("line", { x1: tx, x2: tx, y1: HEAD / 2, y2: HEAD, "class": "today" }, svg);
    }
    el("line", { x1: 0, x2: width, y1: HEAD - 0.5, y2: HEAD - 0.5, "class": "tick" }, svg);
  }

  function defs(svg) {
    var d = el("defs", {}, svg);
    [["arrow", "arrow-head"], ["arrow-critical", "arrow-head critical"]].forEach(function (m) {
      var marker = el("marker", { id: "gantt-" + m[0], viewBox: "0 0 8 8", refX: 7, refY: 4,
                                  markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, d);
      el("path", { d: "M0,0 L8,4 L0,8 z", "class": m[1] }, marker);
    });
  }

  function grid(svg, layout, height) {
    shade(svg, layout, height);
    ticks(layout).forEach(function (day) {
      var major = layout.zoom !== "day" || D.weekday(day) === 0;
      el("line", { x1: x(layout, day), x2: x(layout, day), y1: 0, y2: height,
                   "class": "grid" + (major ? " major" : "") }, svg);
    });
    for (var i = 1; i <= layout.rows.length; i++) {
      el("line", { x1: 0, x2: layout.days * layout.px, y1: i * ROW - 0.5, y2: i * ROW - 0.5,
                   "class": "row-line" }, svg);
    }
  }

  // Where a row's bar stands: its left and right x, and its vertical middle.
  function ends(layout, row) {
    if (row.milestone) {
      var cx = x(layout, row.s) + layout.px / 2;
      return { left: cx - DIAMOND, right: cx + DIAMOND, mid: row.index * ROW + BAR_Y + BAR_H / 2 };
    }
    return { left: x(layout, row.s), right: x(layout, row.f + 1),
             mid: row.index * ROW + BAR_Y + BAR_H / 2 };
  }

  function baseline(svg, layout, row) {
    if (row.bs === null) return;
    var y = row.index * ROW;
    if (row.milestone) {
      var cx = x(layout, row.bs) + layout.px / 2, top = y + BASE_Y - 1, half = 4;
      el("path", { d: "M" + cx + "," + top + " l" + half + "," + half + " l-" + half + "," + half
                   + " l-" + half + ",-" + half + " z", "class": "baseline" }, svg);
      return;
    }
    el("rect", { x: x(layout, row.bs), y: y + BASE_Y, height: BASE_H, rx: 2,
                 width: Math.max(layout.px, (row.bf - row.bs + 1) * layout.px), "class": "baseline" },
       svg).appendChild(el("title", {}, null, "Baseline: " + D.short(row.bs) + " – " + D.short(row.bf)));
  }

  // Moves and sizes a bar group to the row's (maybe previewed) dates.
  function place(g, layout, row) {
    var left = row.milestone ? x(layout, row.s) + layout.px / 2 : x(layout, row.s);
    g.style.transform = "translate(" + left + "px," + row.index * ROW + "px)";
    if (row.milestone) return;
    var w = Math.max(2, (row.f - row.s + 1) * layout.px);
    g.querySelector(".bar-body").setAttribute("width", w);
    g.querySelector(".focus-ring").setAttribute("width", w + 6);
    var handle = g.querySelector(".handle");
    if (handle) handle.setAttribute("x", Math.max(0, w - 8));
    g.querySelector(".bar-label").setAttribute("x", w + 12); // past an arrow leaving the end
  }

  function bar(svg, layout, row, editable) {
    var cls = ["task"];
    if (row.milestone) cls.push("milestone");
    if (row.critical) cls.push("critical");
    if (row.done) cls.push("done");
    if (row.estimated) cls.push("estimated");
    if (editable) cls.push("editable");
    var g = el("g", { "class": cls.join(" "), "data-id": row.task.id, tabindex: "-1",
                      role: "button", "aria-roledescription": "task bar",
                      "aria-describedby": "gantt-help" }, svg);
    if (row.milestone) {
      el("rect", { x: -DIAMOND - 3, y: BAR_Y - 3, width: 2 * DIAMOND + 6, height: BAR_H + 6, rx: 5,
                   "class": "focus-ring" }, g);
      el("path", { d: "M0," + BAR_Y + " l" + DIAMOND + "," + DIAMOND + " l-" + DIAMOND + "," + DIAMOND
                   + " l-" + DIAMOND + ",-" + DIAMOND + " z", "class": "bar-body" }, g);
      el("text", { x: DIAMOND + 12, y: BAR_Y + 12, "class": "bar-label" }, g, row.task.name);
    } else {
      el("rect", { x: -3, y: BAR_Y - 3, height: BAR_H + 6, rx: 5, "class": "focus-ring" }, g);
      el("rect", { x: 0, y: BAR_Y, height: BAR_H, rx: 4, "class": "bar-body" }, g);
      if (editable) el("rect", { y: BAR_Y, width: 8, height: BAR_H, "class": "handle" }, g);
      el("text", { y: BAR_Y + 12, "class": "bar-label" }, g, row.task.name);
    }
    g.appendChild(el("title", {}, null, row.title));
    place(g, layout, row);
    return g;
  }

  // One arrow from the predecessor's end the link type names to the successor's: FS and FF
  // leave from the finish (right end), SS and SF from the start; FS and SS arrive at the start
  // (left end, pointing right), FF and SF at the finish (pointing left).
  function arrowPath(from, to, type, fromRow, toRow) {
    var outRight = type === "FS" || type === "FF";
    var inLeft = type === "FS" || type === "SS";
    var sx = outRight ? from.right : from.left, sy = from.mid;
    var tx = inLeft ? to.left : to.right, ty = to.mid;
    var dOut = outRight ? 1 : -1, dIn = inLeft ? 1 : -1, xv = null;
    if (dOut > 0 && dIn > 0 && tx - sx >= 2 * GAP) xv = sx + GAP;
    else if (dOut < 0 && dIn > 0) xv = Math.min(sx, tx) - GAP;
    else if (dOut > 0 && dIn < 0) xv = Math.max(sx, tx) + GAP;
    else if (dOut < 0 && dIn < 0 && sx - tx >= 2 * GAP) xv = sx - GAP;
    if (xv !== null) return "M" + sx + "," + sy + " H" + xv + " V" + ty + " H" + tx;
    var between = toRow > fromRow ? (fromRow + 1) * ROW : fromRow * ROW;
    return "M" + sx + "," + sy + " H" + (sx + dOut * GAP) + " V" + between + " H"
      + (tx - dIn * GAP) + " V" + ty + " H" + tx;
  }

  function links(layer, layout, list, rowsById, broken) {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    list.forEach(function (link) {
      var a = rowsById[link.predecessor], b = rowsById[link.successor];
      if (!a || !b || a.s === null || b.s === null) return;
      var critical = a.critical && b.critical;
      var cls = "link" + (critical ? " critical" : "") + (broken[link.predecessor + ">" + link.successor] ? " broken" : "");
      var path = el("path", { d: arrowPath(ends(layout, a), ends(layout, b), link.type, a.index, b.index),
                              "class": cls, "data-link": link.id, "data-type": link.type,
                              "marker-end": "url(#gantt-" + (critical ? "arrow-critical" : "arrow") + ")" }, layer);
      var lag = link.lag_days ? (link.lag_days > 0 ? " +" : " ") + link.lag_days + "d" : "";
      path.appendChild(el("title", {}, null, a.task.name + " → " + b.task.name + " (" + link.type + lag + ")"));
    });
  }

  function body(svg, layout, list, editable, broken) {
    var height = Math.max(layout.rows.length, 1) * ROW;
    clear(svg, layout.days * layout.px, height);
    defs(svg);
    grid(svg, layout, height);
    if (layout.today !== null) {
      var tx = x(layout, layout.today) + layout.px / 2;
      el("line", { x1: tx, x2: tx, y1: 0, y2: height, "class": "today" }, svg);
    }
    var base = el("g", { "class": "baselines" }, svg);
    layout.rows.forEach(function (row) { baseline(base, layout, row); });
    var layer = el("g", { "class": "links" }, svg);
    var bars = el("g", { "class": "bars" }, svg), byId = {}, rowsById = {};
    layout.rows.forEach(function (row) {
      rowsById[row.task.id] = row;
      if (row.s !== null) byId[row.task.id] = bar(bars, layout, row, editable);
    });
    links(layer, layout, list, rowsById, broken);
    return { bars: byId, links: layer, rowsById: rowsById };
  }

  G.draw = { ROW: ROW, HEAD: HEAD, head: head, body: body, place: place, links: links,
             x: x, arrowPath: arrowPath };
})();
