// Changing the plan on the Gantt chart: drag a bar to move it, drag its right end to change
// its finish, or use the keyboard (arrows preview, Enter saves, Escape cancels). A change is
// one PATCH of the item; the server moves the dependants per the project's mode, so the page
// then re-reads the plan and shows which tasks moved. A refusal puts the bar back and shows
// the server's reason.
(function () {
  "use strict";

  var G = window.WorkOSGantt, D = G.dates, draw = G.draw, page = G.page;
  if (!page) return;
  var state = page.state, svg = page.bodySvg;
  var drag = null;

  function editable() { return state.data.editable && !state.saving; }

  function rowOf(id) { return state.rows.filter(function (r) { return r.task.id === +id; })[0]; }

  function shown(id) { return state.drawn.rowsById[id]; }

  // Dates after moving `row` by `days` calendar days (a drag) or `steps` working days (keys).
  function shifted(row, mode, days, steps) {
    var cal = state.calendar, s = row.s, f = row.f;
    if (mode === "resize") {
      f = steps !== undefined ? cal.add(cal.back(f), steps)
        : days > 0 ? cal.forward(f + days) : cal.back(f + days);
      return { s: s, f: Math.max(f, s) };
    }
    if (steps !== undefined) s = cal.add(cal.forward(s), steps);
    else s = days > 0 ? cal.forward(s + days) : days < 0 ? cal.back(s + days) : s;
    if (row.milestone) return { s: s, f: s };
    return { s: s, f: cal.add(s, Math.max(cal.span(row.s, row.f), 1) - 1) };
  }

  function preview(id, dates) {
    var base = rowOf(id), row = Object.assign({}, base, { s: dates.s, f: dates.f, estimated: false });
    state.preview = { id: +id, s: dates.s, f: dates.f };
    state.drawn.rowsById[id] = row;
    draw.place(state.drawn.bars[id], state.layout, row);
    draw.links(state.drawn.links, state.layout, state.data.links, state.drawn.rowsById, {});
    var tr = page.tbody.querySelector('tr[data-id="' + id + '"]');
    if (tr) page.cells(tr, row);
    return row;
  }

  function cancel() {
    if (!state.preview) return;
    var id = state.preview.id;
    state.preview = null;
    state.drawn.rowsById[id] = rowOf(id);
    page.render();
  }

  function changed(id) {
    var p = state.preview, base = rowOf(id);
    return p && p.id === +id && (p.s !== base.s || p.f !== base.f);
  }

  function describe(row) {
    return row.milestone ? D.long(row.s) : D.short(row.s) + " – " + D.short(row.f);
  }

  function delta(days) {
    if (!days) return "new dates";
    var n = Math.abs(days);
    return n + " day" + (n === 1 ? "" : "s") + (days > 0 ? " later" : " earlier");
  }

  function report(task, before) {
    var cal = state.calendar, moves = [];
    state.moved = {};
    state.data.tasks.forEach(function (t) {
      var old = before[t.id];
      if (t.id === task.id || !old || (old.start === t.start_date && old.due === t.due_date)) return;
      state.moved[t.id] = true;
      var from = D.parse(old.due || old.start), to = D.parse(t.due_date || t.start_date);
      moves.push(t.name + " (" + delta(from !== null && to !== null ? cal.offset(from, to) : 0) + ")");
    });
    if (moves.length) {
      var shownMoves = moves.slice(0, 6).join(", ") + (moves.length > 6 ? " and " + (moves.length - 6) + " more" : "");
      return moves.length + " task" + (moves.length === 1 ? "" : "s") + " moved: " + shownMoves + ".";
    }
    if (state.data.project.schedule_mode === "none") {
      var n = (state.data.violations || []).length;
      return "Saved “" + task.name + "”. In this project successors don't follow a moved task"
        + (n ? "; " + n + " dependenc" + (n === 1 ? "y is" : "ies are") + " now broken." : ".");
    }
    return "Saved “" + task.name + "”. Nothing else had to move.";
  }

  function done(id) {
    state.saving = false;
    page.root.classList.remove("saving");
    page.focusBar(id);
  }

  function save(id) {
    var task = rowOf(id).task, p = state.preview, body = {};
    if (task.is_milestone) {
      body.due_date = D.iso(p.f);
      if (task.start_date) body.start_date = D.iso(p.s);
    } else {
      body.start_date = D.iso(p.s);
      body.due_date = D.iso(p.f);
    }
    var before = {}, from = {};
    state.data.tasks.forEach(function (t) { before[t.id] = { start: t.start_date, due: t.due_date }; });
    state.rows.forEach(function (r) { from[r.task.id] = { s: r.s, f: r.f }; });
    state.saving = true;
    page.root.classList.add("saving");
    page.say("Saving “" + task.name + "”…");
    window.WorkOS.api("items/" + id + "/", { method: "PATCH", body: body, ifMatch: task.version })
      .then(function (result) {
        if (!result.ok) {
          var text = result.status === 412
            ? "Someone else changed “" + task.name + "” meanwhile; the chart now shows the latest plan."
            : (result.data && result.data.message) || window.WorkOS.errorText(result);
          state.preview = null;
          page.render();
          page.say(text, "error");
          if (result.status === 412) {
            return page.refetch().then(function (data) { page.setData(data); page.render(); done(id); });
          }
          return done(id);
        }
        return page.refetch().then(function (data) {
          state.preview = null;
          page.setData(data);
          var text = report(task, before);
          page.render(from);
          page.say(text, "ok");
          done(id);
        }, function () {
          page.say("Saved, but the chart could not be re-read; reload the page to see the plan.", "error");
          done(id);
        });
      });
  }

  // -- pointer ----------------------------------------------------------------------------

  svg.addEventListener("pointerdown", function (event) {
    var g = event.target.closest(".task");
    if (!g || event.button !== 0) return;
    page.focusBar(+g.dataset.id);
    if (!editable()) return;
    event.preventDefault();
    cancel();
    g = state.drawn.bars[g.dataset.id];
    var resize = event.target.classList.contains("handle");
    drag = { id: +g.dataset.id, g: g, x: event.clientX, days: 0, mode: resize ? "resize" : "move" };
    g.classList.add("dragging");
    g.setPointerCapture(event.pointerId);
  });

  svg.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var days = Math.round((event.clientX - drag.x) / state.layout.px);
    if (days === drag.days) return;
    drag.days = days;
    preview(drag.id, shifted(rowOf(drag.id), drag.mode, days));
  });

  function release(event, keep) {
    if (!drag) return;
    var id = drag.id;
    drag.g.classList.remove("dragging");
    if (drag.g.hasPointerCapture(event.pointerId)) drag.g.releasePointerCapture(event.pointerId);
    drag = null;
    if (keep && changed(id)) save(id);
    else cancel();
  }

  svg.addEventListener("pointerup", function (event) { release(event, true); });
  svg.addEventListener("pointercancel", function (event) { release(event, false); });

  // -- keyboard ---------------------------------------------------------------------------

  function walk(id, step) {
    var order = state.rows.filter(function (r) { return state.drawn.bars[r.task.id]; });
    var at = order.findIndex(function (r) { return r.task.id === +id; });
    var next = order[Math.min(Math.max(at + step, 0), order.length - 1)];
    if (step === Infinity) next = order[order.length - 1];
    if (step === -Infinity) next = order[0];
    if (next) page.focusBar(next.task.id);
  }

  svg.addEventListener("keydown", function (event) {
    var g = event.target.closest && event.target.closest(".task");
    if (!g) return;
    var id = +g.dataset.id, key = event.key;
    if (key === "ArrowUp" || key === "ArrowDown" || key === "Home" || key === "End") {
      event.preventDefault();
      if (state.preview) cancel();
      walk(id, { ArrowUp: -1, ArrowDown: 1, Home: -Infinity, End: Infinity }[key]);
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      event.preventDefault();
      if (!editable()) { page.say("You can't change this plan here."); return; }
      var row = shown(id), mode = event.shiftKey && !row.milestone ? "resize" : "move";
      var next = preview(id, shifted(row, mode, undefined, key === "ArrowRight" ? 1 : -1));
      page.say(next.task.name + ": " + describe(next) + ". Press Enter to save, Escape to cancel.");
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      if (changed(id) && editable()) save(id);
    } else if (key === "Escape" && state.preview) {
      event.preventDefault();
      if (drag) { drag.g.classList.remove("dragging"); drag = null; }
      cancel();
      page.focusBar(id);
      page.say("Change cancelled.");
    }
  });
})();
