// Keeps the Gantt chart current while it is open: every few seconds it asks the items API
// whether any task of the board changed, was archived or deleted since the plan was read, and
// only then re-reads the plan. Nothing is polled while a change is being made or saved, or
// while the page is hidden. (A dependency added elsewhere shows with the next task change.)
(function () {
  "use strict";

  var G = window.WorkOSGantt, page = G.page;
  if (!page || !window.WorkOS) return;
  var api = window.WorkOS.api, state = page.state;
  var EVERY_MS = 8000;
  var since = state.data.read_at, busy = false;

  function plan(data) { return JSON.stringify([data.tasks, data.links, data.violations]); }

  function quiet() {
    return document.visibilityState === "visible" && !state.saving && !state.preview
      && !page.root.querySelector(".task.dragging");
  }

  function update() {
    return page.refetch().then(function (data) {
      if (!quiet()) return;
      if (plan(data) === plan(state.data)) { page.setData(data); return; }
      var from = {};
      state.rows.forEach(function (r) { from[r.task.id] = { s: r.s, f: r.f }; });
      var focused = document.activeElement && document.activeElement.closest
        && document.activeElement.closest(".task");
      page.setData(data);
      state.moved = {};
      page.render(from);
      if (focused) page.focusBar(state.focusId);
      page.say("The plan changed meanwhile; the chart shows it as it is now.");
    });
  }

  function poll() {
    if (busy || !quiet() || !since) return;
    busy = true;
    var board = state.data.project.board, at = encodeURIComponent(since);
    Promise.all([
      api("items/?board=" + board + "&updated_after=" + at + "&page_size=1"),
      api("items/changes/?since=" + at),
    ]).then(function (answers) {
      var items = answers[0], gone = answers[1];
      if (!items.ok || !gone.ok) return null;
      since = gone.data.until || since;
      var changed = (items.data.results || []).length || (gone.data.archived || []).length
        || (gone.data.deleted || []).length;
      return changed ? update() : null;
    }).catch(function () { return null; }).then(function () { busy = false; });
  }

  setInterval(poll, EVERY_MS);
})();
