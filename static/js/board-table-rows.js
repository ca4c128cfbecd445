// Rows of the board table that come from the server after the page: more rows of a section
// (through htmx), an item's sub-items, rows re-read after a write, rows others changed (polled
// every few seconds, with the items archived or deleted meanwhile), and items added inline.
(function () {
  "use strict";
  var W = window.WorkOS;
  var BT = window.BoardTable;
  if (!W || !BT) return;
  var D = BT.data;
  var table = BT.table;
  var paint = BT.paint;
  var sectionOf = BT.sectionOf;
  var POLL_MS = 5000;

  // --- rows from the server ----------------------------------------------------------------
  function parseRows(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return Array.prototype.slice.call(template.content.querySelectorAll("tr"));
  }
  function descendants(row) {
    var out = [];
    var ids = [row.dataset.id];
    var next = row.nextElementSibling;
    while (next && next.classList.contains("sub-row") && ids.indexOf(next.dataset.parent) >= 0) {
      out.push(next);
      ids.push(next.dataset.id);
      next = next.nextElementSibling;
    }
    return out;
  }
  function removeRow(row) {
    if (row.contains(document.activeElement) || row.contains(BT.activeCell())) resetFocusAfter(row);
    descendants(row).forEach(function (r) { r.remove(); });
    row.remove();
    if (BT.selection) BT.selection.forget(row.dataset.id);
  }
  // The grid keeps one tab stop: when its row goes, the next row (or the first) takes it.
  function resetFocusAfter(row) {
    var next = row.nextElementSibling;
    if (!next || !next.classList.contains("item-row")) next = table.querySelector("tr.item-row:not(#" + row.id + ")");
    if (!next) return;
    var cell = BT.rowCells(next)[0];
    if (row.contains(document.activeElement)) BT.focusCell(cell); else BT.setTabStop(cell);
  }
  function endOfSection(tbody) {
    return tbody.querySelector(".more-row, .add-row, .totals-row");
  }
  function adopt(fresh, old) {
    if (old) {
      fresh.dataset.depth = old.dataset.depth || "";
      var oldToggle = old.querySelector(".subitems-toggle");
      var newToggle = fresh.querySelector(".subitems-toggle");
      if (oldToggle && newToggle && oldToggle.getAttribute("aria-expanded") === "true") {
        newToggle.setAttribute("aria-expanded", "true");
      }
      // Focus stays on the same column of the new copy of the row.
      var focused = old.contains(document.activeElement) && document.activeElement.closest("[data-col]");
      var active = BT.activeCell();
      var wasActive = active && old.contains(active) ? active.getAttribute("data-col") : null;
      var col = focused ? focused.getAttribute("data-col") : wasActive;
      old.replaceWith(fresh);
      var again = col && fresh.querySelector('[data-col="' + col + '"]');
      if (again) {
        BT.setTabStop(again);
        if (focused || document.activeElement === document.body) again.focus({ preventScroll: true });
      }
    }
    if (BT.selection) BT.selection.restore(fresh);
    if (BT.fixColumnOrder) BT.fixColumnOrder(fresh);
    paint(fresh);
  }

  // Put a row where it belongs now (its section, under its parent), replacing the old copy.
  function place(info, options) {
    options = options || {};
    var old = document.getElementById("item-" + info.id);
    if (old && old.querySelector(".cell-editor, .editing")) return;
    // An answer read before a later write must not undo it on the page.
    if (old && Number(old.dataset.version) > Number(info.version)) return;
    if (old && options.poll && old.dataset.version === String(info.version)) return;
    if (!info.matches) { if (old) removeRow(old); return; }
    var fresh = parseRows(info.html)[0];
    if (!fresh) return;
    if (info.parent) {
      if (old) return adopt(fresh, old);
      var parent = document.getElementById("item-" + info.parent);
      var toggle = parent && parent.querySelector(".subitems-toggle");
      if (!toggle || toggle.getAttribute("aria-expanded") !== "true") return;
      fresh.dataset.depth = String((parseInt(parent.dataset.depth || "0", 10) || 0) + 1);
      var kids = descendants(parent);
      (kids.length ? kids[kids.length - 1] : parent).after(fresh);
      return adopt(fresh, null);
    }
    var tbody = sectionOf(info.section);
    if (!tbody) { if (old) removeRow(old); return; }
    if (old && old.closest("tbody") === tbody) return adopt(fresh, old);
    if (old) {
      var moving = descendants(old);
      old.remove();
      tbody.insertBefore(fresh, endOfSection(tbody));
      moving.forEach(function (r) { tbody.insertBefore(r, endOfSection(tbody)); });
      adopt(fresh, null);
      return flash(fresh);
    }
    if (options.insert || !tbody.querySelector(".more-row")) {
      tbody.insertBefore(fresh, endOfSection(tbody));
      adopt(fresh, null);
      flash(fresh);
    }
  }
  function flash(row) {
    row.classList.add("flash");
    setTimeout(function () { row.classList.remove("flash"); }, 1300);
  }

  function changesUrl(params) {
    var query = new URLSearchParams(D.query || "");
    Object.keys(params).forEach(function (k) { query.set(k, params[k]); });
    query.set("summary", "1");
    return D.urls.changes + "?" + query.toString();
  }
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; }, function () { return null; });
  }
  function applySummaries(sections) {
    (sections || []).forEach(function (s) {
      var tbody = sectionOf(s.key);
      if (!tbody) return;
      tbody.dataset.count = s.count;
      tbody.querySelector(".section-count").textContent = s.label;
      tbody.querySelector(".totals-label").textContent = s.label;
      tbody.querySelectorAll(".totals-row td.total").forEach(function (td) {
        td.textContent = s.totals[td.getAttribute("data-col")] || "";
      });
      var battery = parseHtml(s.battery);
      var current = tbody.querySelector(".battery");
      if (battery && current) { current.replaceWith(battery); paint(battery.parentNode); }
    });
  }
  function parseHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Re-read rows by id (after a write) and put them in place.
  BT.refresh = function (ids, options) {
    return fetchJson(changesUrl({ ids: ids.join(",") })).then(function (answer) {
      if (!answer) return;
      answer.rows.forEach(function (info) { place(info, options); });
      applySummaries(answer.sections);
    });
  };
  BT.removeRows = function (ids) {
    ids.forEach(function (id) {
      var row = document.getElementById("item-" + id);
      if (row) removeRow(row);
    });
  };

  // --- polling: what others changed since the last look -------------------------------------
  var since = D.since;
  var polling = false;
  function poll() {
    if (polling || document.hidden) return;
    polling = true;
    // Look back a little: a write whose transaction commits after our read keeps its time.
    var from = new Date(new Date(since).getTime() - 3000).toISOString();
    Promise.all([
      fetchJson(changesUrl({ since: from })),
      W.api("items/changes/?since=" + encodeURIComponent(from)),
    ]).then(function (answers) {
      var rows = answers[0], gone = answers[1];
      if (rows) {
        rows.rows.forEach(function (info) { place(info, { poll: true }); });
        applySummaries(rows.sections);
        since = rows.until;
      }
      if (gone && gone.ok) BT.removeRows([].concat(gone.data.archived || [], gone.data.deleted || []));
    }).finally(function () { polling = false; });
  }
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });

  // --- sub-items ---------------------------------------------------------------------------
  BT.toggleSubitems = function (row, toggle) {
    var open = toggle.getAttribute("aria-expanded") === "true";
    var name = row.querySelector(".name-text").textContent;
    if (open) {
      descendants(row).forEach(function (r) { r.remove(); });
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-label", toggle.getAttribute("aria-label").replace(/^Hide/, "Show"));
      return;
    }
    toggle.disabled = true;
    var query = new URLSearchParams(D.query || "");
    query.set("parent", row.dataset.id);
    fetch(D.urls.rows + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) {
        var depth = String((parseInt(row.dataset.depth || "0", 10) || 0) + 1);
        var after = row;
        parseRows(html).forEach(function (sub) {
          if (document.getElementById(sub.id)) return;
          sub.dataset.depth = depth;
          after.after(sub);
          after = sub;
          adopt(sub, null);
        });
        toggle.setAttribute("aria-expanded", "true");
        toggle.setAttribute("aria-label", "Hide the sub-items of " + name);
      }, function () { W.notice("The sub-items could not be loaded; try again.", "error"); })
      .finally(function () { toggle.disabled = false; });
  };

  // --- "show more" rows arrive through htmx: drop repeats, colour the rest -----------------
  document.body.addEventListener("htmx:afterSwap", function () {
    var seen = {};
    table.querySelectorAll("tr.item-row").forEach(function (row) {
      if (seen[row.id]) { row.remove(); return; }
      seen[row.id] = true;
      if (BT.selection) BT.selection.restore(row);
      if (BT.fixColumnOrder) BT.fixColumnOrder(row);
    });
    paint(table);
  });
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 400) {
      W.notice("More items could not be loaded; try again.", "error");
    }
  });

  // --- adding items inline at the end of a section ----------------------------------------
  table.addEventListener("submit", function (event) {
    var form = event.target.closest("form.add-item");
    if (!form) return;
    event.preventDefault();
    var input = form.querySelector("input[name=name]");
    var name = input.value.trim();
    if (!name) return;
    var tbody = form.closest("tbody");
    var body = Object.assign({ board: D.board, name: name }, JSON.parse(tbody.dataset.create || "{}"));
    input.disabled = true;
    W.api("items/", { method: "POST", body: body }).then(function (result) {
      input.disabled = false;
      if (!result.ok) { W.notice(BT.errorText(result), "error"); input.focus(); return; }
      input.value = "";
      input.focus();
      W.notice("Added “" + result.data.name + "”.");
      return BT.refresh([result.data.id], { insert: true });
    });
  });
})();
