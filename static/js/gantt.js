// The Gantt page: builds the chart from the data the page embeds, keeps the table of tasks
// beside it, zooms, and after a change re-reads the plan from the server and shows what moved.
// Dragging and the keyboard are in gantt-edit.js; drawing in gantt-draw.js.
(function () {
  "use strict";

  var G = window.WorkOSGantt, D = G.dates, draw = G.draw;
  var root = document.getElementById("gantt");
  var source = document.getElementById("gantt-data");
  if (!root || !source || !window.WorkOS || !draw) return;

  var PX = { day: 32, week: 12, month: 4 };
  var PAD = { day: [7, 21], week: [14, 42], month: [31, 62] };
  var ZOOM_KEY = "workos-gantt-zoom";
  var state = { data: null, calendar: null, zoom: null, range: null, rows: [], layout: null,
                drawn: null, preview: null, saving: false, moved: {}, focusId: null };

  var scroll = document.createElement("div");
  scroll.className = "gantt-scroll";
  var gridBox = document.createElement("div");
  gridBox.className = "gantt-grid";
  var tableEl = document.createElement("table");
  tableEl.className = "gantt-table";
  tableEl.innerHTML = "<caption class=\"visually-hidden\">Tasks</caption><thead><tr>"
    + "<th scope=\"col\" class=\"name\">Task</th><th scope=\"col\">Start</th>"
    + "<th scope=\"col\">Finish</th><th scope=\"col\" class=\"days\">Days</th></tr></thead><tbody></tbody>";
  var timeline = document.createElement("div");
  timeline.className = "gantt-timeline";
  var NS = "http://www.w3.org/2000/svg";
  var headSvg = document.createElementNS(NS, "svg");
  headSvg.setAttribute("class", "gantt-head");
  headSvg.setAttribute("aria-hidden", "true");
  var bodySvg = document.createElementNS(NS, "svg");
  bodySvg.setAttribute("class", "gantt-body");
  bodySvg.setAttribute("role", "group");
  bodySvg.setAttribute("aria-label", "Task bars");
  timeline.appendChild(headSvg);
  timeline.appendChild(bodySvg);
  gridBox.appendChild(tableEl);
  gridBox.appendChild(timeline);
  scroll.appendChild(gridBox);
  root.appendChild(scroll);
  var tbody = tableEl.querySelector("tbody");
  var messageEl = document.getElementById("gantt-message");
  var warningEl = document.getElementById("gantt-warning");

  function say(text, kind) {
    if (!messageEl) return;
    messageEl.textContent = text;
    messageEl.className = "gantt-message" + (kind ? " " + kind : "");
  }

  function setData(data) {
    state.data = data;
    state.calendar = new D.Calendar(data.working_days, data.holidays);
    if (warningEl) {
      warningEl.textContent = data.schedule_error || "";
      warningEl.hidden = !data.schedule_error;
    }
  }

  // The dates a bar shows: its own, completed from its duration when it has only one, or
  // where the schedule places it when it has none (drawn as an estimate).
  function shownDates(task) {
    var cal = state.calendar, start = D.parse(task.start_date), due = D.parse(task.due_date);
    var length = Math.max(task.duration_days || 1, 1);
    if (task.is_milestone) {
      var day = due !== null ? due : start !== null ? start : D.parse(task.early_finish);
      return { s: day, f: day, estimated: due === null && start === null };
    }
    if (start !== null && due !== null) return { s: start, f: Math.max(start, due) };
    if (start !== null) return { s: start, f: cal.add(cal.forward(start), length - 1) };
    if (due !== null) return { s: cal.add(cal.back(due), 1 - length), f: due };
    var early = D.parse(task.early_start), late = D.parse(task.early_finish);
    return { s: early, f: late === null ? early : late, estimated: early !== null };
  }

  function titleOf(row) {
    var t = row.task, lines = [t.name];
    if (row.s !== null) {
      lines.push(row.milestone ? "Milestone: " + D.long(row.f)
        : D.long(row.s) + " – " + D.long(row.f) + " (" + state.calendar.span(row.s, row.f) + " working days)");
    }
    if (t.status) lines.push("Status: " + t.status);
    if (row.estimated) lines.push("No dates yet: placed where its links allow.");
    if (t.total_float !== null && t.total_float !== undefined) lines.push("Total float: " + t.total_float + " working days");
    if (row.critical) lines.push("On the critical path");
    if (row.bs !== null) lines.push("Baseline: " + D.short(row.bs) + " – " + D.short(row.bf));
    if (t.finish_no_later_than) lines.push("Must finish by " + D.long(D.parse(t.finish_no_later_than)));
    return lines.join("\n");
  }

  function buildRows() {
    return state.data.tasks.map(function (task, index) {
      var shown = shownDates(task);
      var bs = D.parse(task.baseline_start), bf = D.parse(task.baseline_finish);
      var row = { task: task, index: index, s: shown.s, f: shown.f, estimated: !!shown.estimated,
                  milestone: task.is_milestone, critical: !!task.critical, done: task.done,
                  bs: bs !== null ? bs : bf, bf: bf !== null ? bf : bs };
      row.title = titleOf(row);
      return row;
    });
  }

  function rangeOf(rows) {
    var lo = Infinity, hi = -Infinity, today = D.parse(state.data.today);
    rows.forEach(function (r) {
      [r.s, r.f, r.bs, r.bf].forEach(function (d) {
        if (d !== null) { lo = Math.min(lo, d); hi = Math.max(hi, d); }
      });
    });
    if (lo === Infinity) { lo = today; hi = today; }
    // Today widens the range only when it is near the plan; a plan years away stays compact.
    if (today >= lo - 90 && today <= hi + 90) { lo = Math.min(lo, today); hi = Math.max(hi, today); }
    lo -= PAD[state.zoom][0];
    hi += PAD[state.zoom][1];
    if (state.zoom === "month") { lo = D.firstOfMonth(lo); hi = D.addMonths(hi, 1) - 1; }
    else { lo -= D.weekday(lo); hi += 6 - D.weekday(hi); }
    return { start: lo, end: hi };
  }

  function cells(tr, row) {
    var td = tr.children, cal = state.calendar;
    td[1].textContent = row.s === null ? "—" : D.short(row.s);
    td[2].textContent = row.f === null ? "—" : D.short(row.f);
    td[3].textContent = row.s === null ? "—" : row.milestone ? "◆" : cal.span(row.s, row.f) + "d";
    tr.classList.toggle("estimated", row.estimated);
  }

  function fillTable(rows) {
    tbody.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.dataset.id = row.task.id;
      if (row.critical) tr.classList.add("critical");
      if (state.moved[row.task.id]) tr.classList.add("moved");
      var name = document.createElement("td");
      name.className = "name";
      var label = document.createElement("div");
      label.className = "name-text depth-" + Math.min(row.task.depth || 0, 4);
      label.textContent = row.task.name;
      label.title = row.task.name;
      name.appendChild(label);
      tr.appendChild(name);
      for (var i = 0; i < 3; i++) tr.appendChild(document.createElement("td"));
      tr.children[3].className = "days";
      cells(tr, row);
      tbody.appendChild(tr);
    });
  }

  function broken() {
    var out = {};
    (state.data.violations || []).forEach(function (v) { out[v.predecessor + ">" + v.successor] = true; });
    return out;
  }

  // Redraws everything; `from` (id -> {s, f} before a change) animates the bars that moved.
  function render(from) {
    var rows = buildRows(), range = rangeOf(rows);
    if (state.range) {
      var grown = state.range.start - Math.min(state.range.start, range.start);
      range = { start: Math.min(range.start, state.range.start), end: Math.max(range.end, state.range.end) };
      if (grown) scroll.scrollLeft += grown * PX[state.zoom];
    }
    state.range = range;
    var today = D.parse(state.data.today);
    state.rows = rows;
    state.layout = { rows: rows, start: range.start, days: range.end - range.start + 1, px: PX[state.zoom],
                     zoom: state.zoom, calendar: state.calendar,
                     today: today >= range.start && today <= range.end ? today : null };
    draw.head(headSvg, state.layout);
    state.drawn = draw.body(bodySvg, state.layout, state.data.links, state.data.editable, broken());
    fillTable(rows);
    Object.keys(state.moved).forEach(function (id) {
      var g = state.drawn.bars[id];
      if (g) g.classList.add("moved");
    });
    if (from) animate(from);
    rove(state.focusId);
  }

  function animate(from) {
    Object.keys(from).forEach(function (id) {
      var g = state.drawn.bars[id], row = state.drawn.rowsById[id], old = from[id];
      if (!g || !row || old.s === null || (old.s === row.s && old.f === row.f)) return;
      g.classList.add("no-anim");
      draw.place(g, state.layout, Object.assign({}, row, { s: old.s, f: old.f }));
      g.getBoundingClientRect(); // commit the old place, so the move to the new one transitions
      g.classList.remove("no-anim");
      draw.place(g, state.layout, row);
    });
  }

  // One bar is in the tab order at a time; the arrow keys walk the others (gantt-edit.js).
  function rove(id) {
    var bars = state.drawn.bars, ids = Object.keys(bars);
    if (!ids.length) return;
    if (id === null || !bars[id]) id = +state.rows.filter(function (r) { return bars[r.task.id]; })[0].task.id;
    state.focusId = +id;
    ids.forEach(function (key) { bars[key].setAttribute("tabindex", +key === +id ? "0" : "-1"); });
  }

  // Scrolls a bar into view clear of the sticky table and scale (which the browser's own
  // scrolling on focus would leave it under).
  function reveal(g) {
    var box = g.getBoundingClientRect(), port = scroll.getBoundingClientRect();
    var left = port.left + tableEl.offsetWidth + 16, right = port.right - 16;
    var top = port.top + draw.HEAD, bottom = port.bottom;
    if (box.left < left) scroll.scrollLeft -= left - box.left;
    else if (box.right > right) scroll.scrollLeft += Math.min(box.right - right, box.left - left);
    if (box.top < top) scroll.scrollTop -= top - box.top;
    else if (box.bottom > bottom) scroll.scrollTop += box.bottom - bottom;
    box = g.getBoundingClientRect();
    if (box.bottom > window.innerHeight) window.scrollBy(0, box.bottom - window.innerHeight + 16);
  }

  function focusBar(id) {
    rove(id);
    var g = state.drawn.bars[state.focusId];
    if (!g) return;
    g.focus({ preventScroll: true });
    reveal(g);
  }

  function scrollToDay(day) {
    var visible = scroll.clientWidth - tableEl.offsetWidth;
    scroll.scrollLeft = Math.max(0, (day - state.layout.start) * state.layout.px - visible / 3);
  }

  function setZoom(zoom) {
    var visible = scroll.clientWidth - tableEl.offsetWidth, centre = null;
    if (state.layout) centre = state.layout.start + (scroll.scrollLeft + visible / 2) / state.layout.px;
    state.zoom = zoom;
    state.range = null;
    state.moved = {};
    try { localStorage.setItem(ZOOM_KEY, zoom); } catch (e) { /* storage unavailable */ }
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.zoom === zoom));
    });
    render();
    if (centre !== null) scroll.scrollLeft = Math.max(0, (centre - state.layout.start) * state.layout.px - visible / 2);
  }

  function initialZoom() {
    var saved = null;
    try { saved = localStorage.getItem(ZOOM_KEY); } catch (e) { saved = null; }
    if (PX[saved]) return saved;
    var days = [];
    buildRows().forEach(function (r) { if (r.s !== null) days.push(r.s, r.f); });
    var span = days.length ? Math.max.apply(null, days) - Math.min.apply(null, days) : 0;
    return span <= 70 ? "day" : span <= 300 ? "week" : "month";
  }

  function refetch() {
    return fetch(root.dataset.dataUrl, { credentials: "same-origin",
                                        headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("The plan could not be re-read.");
        return response.json();
      });
  }

  document.addEventListener("click", function (event) {
    var zoom = event.target.closest("[data-zoom]");
    if (zoom) setZoom(zoom.dataset.zoom);
    if (event.target.closest("[data-scroll-today]")) {
      if (state.layout.today === null) say("Today is outside this plan's dates.");
      else scrollToDay(state.layout.today);
    }
    var tr = event.target.closest(".gantt-table tbody tr");
    if (tr && state.drawn.bars[tr.dataset.id]) focusBar(+tr.dataset.id);
  });

  setData(JSON.parse(source.textContent));
  state.zoom = initialZoom();
  setZoom(state.zoom);
  if (!state.data.tasks.length) say("No tasks yet: add tasks with dates on the board to plan them here.");
  root.classList.add("ready");

  G.page = { state: state, render: render, say: say, setData: setData, refetch: refetch,
             focusBar: focusBar, cells: cells, bodySvg: bodySvg, tbody: tbody, root: root };
})();
