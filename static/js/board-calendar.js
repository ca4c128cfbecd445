// The calendar page. Drag an item onto another day (or from the unscheduled list onto a day)
// to reschedule it: its dates move by the same number of days, so a span keeps its length.
// Enter on an item opens a dialog with its dates, the keyboard's way to do the same. The item
// is shown on its new day at once and put back with the server's message when the change is
// refused; after a change, and when others change items, the grid is redrawn by the server.
(function () {
  "use strict";

  var root = document.getElementById("calendar");
  if (!root || !window.WorkOS) return;
  var W = window.WorkOS;
  var dialog = document.getElementById("cal-dialog");
  var since = root.dataset.since;
  var POLL_MS = 8000;
  var DAY_MS = 86400000;
  var busy = 0;
  var drag = null;
  var opened = null;  // the entry whose dates the dialog shows

  function ms(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  function iso(value) { return new Date(value).toISOString().slice(0, 10); }
  function addDays(day, n) { return iso(ms(day) + n * DAY_MS); }
  function daysBetween(a, b) { return Math.round((ms(b) - ms(a)) / DAY_MS); }
  function human(day) {
    return new Date(ms(day)).toLocaleDateString(document.documentElement.lang || undefined,
      { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });
  }
  function nameOf(entry) { return "“" + entry.dataset.name + "”"; }

  function paint(scope) { window.WorkOS.paint(scope); }

  function flash(el, name) {
    el.classList.remove(name);
    void el.offsetWidth;  // restart the animation
    el.classList.add(name);
  }

  // The day under the pointer in a week's row.
  function dayAt(week, clientX) {
    var box = week.getBoundingClientRect();
    var column = Math.min(6, Math.max(0, Math.floor((clientX - box.left) / (box.width / 7))));
    return addDays(week.dataset.start, column);
  }

  function described(item) {
    if (item.start_date && item.due_date && item.start_date !== item.due_date) {
      return human(item.start_date) + " – " + human(item.due_date);
    }
    if (item.due_date) return "due " + human(item.due_date);
    if (item.start_date) return "starting " + human(item.start_date);
    return "unscheduled";
  }

  // Redraws toolbar, weeks and the unscheduled list from the server.
  function redraw() {
    var params = new URLSearchParams(location.search);
    params.set("partial", "grid");
    var focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".cal-entry");
    var focusId = focused ? focused.dataset.id : null;
    return fetch(location.pathname + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var body = template.content.firstElementChild;
        paint(body);
        root.querySelector(".cal-body").replaceWith(body);
        var again = focusId && root.querySelector('.cal-entry[data-id="' + focusId + '"]');
        if (again) again.focus();
      }, function () { return null; });
  }

  // Shows the entry on its new first day at once; returns how to put it back.
  function preview(entry, firstDay) {
    var slot = entry.closest(".cal-slot") || entry.parentNode;
    var parent = slot.parentNode, next = slot.nextSibling, classes = slot.className;
    var week = Array.prototype.slice.call(root.querySelectorAll(".cal-week")).filter(function (w) {
      var offset = daysBetween(w.dataset.start, firstDay);
      return offset >= 0 && offset < 7;
    })[0];
    if (week) {
      var column = daysBetween(week.dataset.start, firstDay) + 1;
      var span = Math.max(1, Math.min(7 - column + 1, Number((classes.match(/\bs-(\d)/) || [])[1] || 1)));
      var row = (classes.match(/\br-(\d+)/) || [])[1] || "1";
      slot.className = "cal-slot c-" + column + " s-" + span + " r-" + row;
      week.querySelector(".cal-entries").appendChild(slot);
    }
    return function () {
      slot.className = classes;
      parent.insertBefore(slot, next);
    };
  }

  function save(entry, body, firstDay) {
    var restore = firstDay ? preview(entry, firstDay) : function () {};
    entry.classList.add("is-saving");
    entry.setAttribute("aria-busy", "true");
    busy += 1;
    return W.api("items/" + entry.dataset.id + "/",
                 { method: "PATCH", body: body, ifMatch: entry.dataset.version })
      .then(function (result) {
        busy -= 1;
        entry.classList.remove("is-saving");
        entry.removeAttribute("aria-busy");
        if (result.ok) {
          entry.dataset.version = String(result.data.version);
          W.notice(nameOf(entry) + " is now " + described(result.data) + ".");
          return redraw();
        }
        restore();
        flash(entry, "refused");
        if (result.status === 412) {
          W.notice("Someone changed " + nameOf(entry) + " meanwhile; the calendar now shows " +
                   "their change. Move it again if you still want to.", "error");
          return redraw();
        }
        W.notice(W.errorText(result), "error");
        return null;
      });
  }

  // Moves an item so that the day it was grabbed by lands on `day`.
  function reschedule(entry, grabbed, day) {
    var start = entry.dataset.start, due = entry.dataset.due, body = {};
    if (grabbed && (start || due)) {
      var delta = daysBetween(grabbed, day);
      if (!delta) return;
      if (start) body.start_date = addDays(start, delta);
      if (due) body.due_date = addDays(due, delta);
      save(entry, body, addDays(entry.dataset.from || start || due, delta));
      return;
    }
    body.due_date = day;  // from the unscheduled list: it becomes due that day
    if (start && start > day) body.start_date = day;
    save(entry, body, day);
  }

  function clearTargets() {
    root.querySelectorAll(".cal-day.is-target").forEach(function (d) { d.classList.remove("is-target"); });
  }

  root.addEventListener("dragstart", function (event) {
    var entry = event.target.closest && event.target.closest('.cal-entry[draggable="true"]');
    if (!entry) return;
    var week = entry.closest(".cal-week");
    drag = { entry: entry, grabbed: week ? dayAt(week, event.clientX) : null };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", entry.dataset.id);
    entry.classList.add("is-dragging");
  });
  root.addEventListener("dragover", function (event) {
    var week = drag && event.target.closest(".cal-week");
    if (!week) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var day = dayAt(week, event.clientX);
    var cell = week.querySelector('.cal-day[data-date="' + day + '"]');
    if (cell && !cell.classList.contains("is-target")) { clearTargets(); cell.classList.add("is-target"); }
  });
  root.addEventListener("drop", function (event) {
    var week = drag && event.target.closest(".cal-week");
    if (!week) return;
    event.preventDefault();
    var current = drag;
    reschedule(current.entry, current.grabbed, dayAt(week, event.clientX));
  });
  root.addEventListener("dragend", function () {
    if (drag) drag.entry.classList.remove("is-dragging");
    drag = null;
    clearTargets();
  });

  // --- the dialog: the keyboard's (and a click's) way to reschedule ---------------------------
  function openDialog(entry) {
    if (!dialog) return;
    opened = entry;
    dialog.querySelector(".cal-dialog-name").textContent = nameOf(entry);
    dialog.querySelector("#cal-start").value = entry.dataset.start || "";
    dialog.querySelector("#cal-due").value = entry.dataset.due || "";
    dialog.returnValue = "";
    dialog.showModal();
  }

  if (dialog) {
    dialog.addEventListener("close", function () {
      var entry = opened;
      opened = null;
      if (!entry || dialog.returnValue !== "save") return;
      var start = dialog.querySelector("#cal-start").value, due = dialog.querySelector("#cal-due").value;
      if (start === (entry.dataset.start || "") && due === (entry.dataset.due || "")) return;
      save(entry, { start_date: start || null, due_date: due || null }, null);
    });
  }

  root.addEventListener("click", function (event) {
    var entry = event.target.closest('.cal-entry[role="button"]');
    if (entry) openDialog(entry);
  });
  root.addEventListener("keydown", function (event) {
    var entry = event.target.closest && event.target.closest('.cal-entry[role="button"]');
    if (entry && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openDialog(entry);
    }
  });

  // --- changes by others ---------------------------------------------------------------------
  function query(params) { return new URLSearchParams(params).toString(); }

  function poll() {
    if (document.hidden || drag || busy || opened) { setTimeout(poll, POLL_MS); return; }
    W.api("items/changes/?" + query({ since: since })).then(function (changes) {
      if (!changes.ok) return null;
      return W.api("items/?" + query({ board: root.dataset.board, updated_after: since,
                                       page_size: 1 })).then(function (changed) {
        if (!changed.ok) return null;
        since = changes.data.until;
        var gone = (changes.data.archived || []).concat(changes.data.deleted || []);
        var shown = gone.some(function (id) {
          return root.querySelector('.cal-entry[data-id="' + Number(id) + '"]');
        });
        return changed.data.results.length || shown ? redraw() : null;
      });
    }).then(function () { setTimeout(poll, POLL_MS); }, function () { setTimeout(poll, POLL_MS); });
  }

  paint(root);
  setTimeout(poll, POLL_MS);
})();
