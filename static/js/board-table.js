// The board table: colours, the grid's keyboard focus and collapsible sections. Rows from the
// server (more rows, sub-items, refreshes and polling, adding items) live in board-table-rows.js,
// inline editors in board-table-edit.js (pickers in board-table-pickers.js), bulk selection in
// board-table-bulk.js, the view controls in board-table-controls.js and columns in
// board-table-columns.js.
(function () {
  "use strict";
  var W = window.WorkOS;
  var dataEl = document.getElementById("board-table-data");
  var table = document.getElementById("board-table");
  if (!W || !dataEl || !table) return;
  var D = JSON.parse(dataEl.textContent);
  var BT = (window.BoardTable = { data: D, table: table });
  // The API's message names the field and what to change; its `fields` add nothing to it.
  BT.errorText = function (result) {
    var data = result.data || {};
    return (typeof data === "object" && data.message) || W.errorText(result);
  };

  function paint(root) {
    W.paint(root || document);
    (root || document).querySelectorAll("[data-grow]").forEach(function (el) {
      el.style.flexGrow = el.getAttribute("data-grow");
    });
  }
  BT.paint = paint;
  paint(document);

  function column(name) {
    for (var i = 0; i < D.columns.length; i++) if (D.columns[i].name === name) return D.columns[i];
    return null;
  }
  BT.column = column;
  function editableColumn(cell) {
    var info = column(cell.getAttribute("data-col"));
    return info && info.editable;
  }

  // --- keyboard focus across the grid (one tab stop; arrows move) --------------------------
  var active = null;
  function rowCells(row) {
    return Array.prototype.filter.call(row.children, function (c) {
      return c.classList.contains("cell") || c.classList.contains("name-cell");
    });
  }
  function visibleRows() {
    return Array.prototype.filter.call(table.querySelectorAll("tr.item-row"), function (r) {
      return r.offsetParent !== null;
    });
  }
  function focusCell(cell, scroll) {
    if (!cell) return;
    if (active && active !== cell) active.tabIndex = -1;
    active = cell;
    cell.tabIndex = 0;
    cell.focus({ preventScroll: scroll === false });
  }
  BT.focusCell = focusCell;
  // However a cell got focus (click, script, assistive technology), it is the tab stop now.
  table.addEventListener("focusin", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell, th.name-cell");
    if (!cell || event.target !== cell || cell === active) return;
    if (active) active.tabIndex = -1;
    active = cell;
    cell.tabIndex = 0;
  });
  function resetTabStop() {
    if (active && table.contains(active)) return;
    var first = table.querySelector("tr.item-row .name-cell");
    if (first) { first.tabIndex = 0; active = first; }
  }
  resetTabStop();

  function move(cell, dRow, dCol, edge) {
    var row = cell.closest("tr");
    var cells = rowCells(row);
    var index = cells.indexOf(cell);
    if (dCol || edge === "home" || edge === "end") {
      var target = edge === "home" ? 0 : edge === "end" ? cells.length - 1 : index + dCol;
      return focusCell(cells[Math.max(0, Math.min(cells.length - 1, target))]);
    }
    var rows = visibleRows();
    var at = rows.indexOf(row) + dRow;
    if (edge === "first") at = 0;
    if (edge === "last") at = rows.length - 1;
    var next = rows[Math.max(0, Math.min(rows.length - 1, at))];
    if (!next) return;
    var same = next.querySelector('[data-col="' + cell.getAttribute("data-col") + '"]');
    focusCell(same || rowCells(next)[0]);
  }

  table.addEventListener("keydown", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell, th.name-cell");
    if (!cell || event.target !== cell || event.altKey) return;
    var row = cell.closest("tr");
    var key = event.key;
    var handled = true;
    if (key === "ArrowRight") move(cell, 0, 1);
    else if (key === "ArrowLeft") move(cell, 0, -1);
    else if (key === "ArrowDown") move(cell, 1, 0);
    else if (key === "ArrowUp") move(cell, -1, 0);
    else if (key === "Home") move(cell, 0, 0, event.ctrlKey ? "first" : "home");
    else if (key === "End") move(cell, 0, 0, event.ctrlKey ? "last" : "end");
    else if (key === "Enter" && (event.ctrlKey || event.metaKey) && cell.querySelector("a")) {
      var a = cell.querySelector("a");
      if (a.target === "_blank") window.open(a.href, "_blank", "noopener");
      else window.location.href = a.href;
    } else if (key === "Enter" || key === "F2") BT.edit && BT.edit(cell);
    else if (key === " ") {
      if (cell.getAttribute("data-type") === "checkbox") BT.edit && BT.edit(cell);
      else if (BT.selection) BT.selection.toggle(row);
    } else if (key === "+" || key === "-") {
      var toggle = row.querySelector(".subitems-toggle");
      if (toggle && (toggle.getAttribute("aria-expanded") === "true") !== (key === "+")) {
        BT.toggleSubitems(row, toggle);
      }
    } else if (key === "o") {
      var open = row.querySelector(".open-item");
      if (open) window.location.href = open.href;
    } else handled = false;
    if (handled) event.preventDefault();
  });

  table.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest(".subitems-toggle")) {
      var row = target.closest("tr");
      return BT.toggleSubitems(row, target.closest(".subitems-toggle"));
    }
    if (target.closest(".section-toggle")) return toggleSection(target.closest("tbody"));
    var cell = target.closest("td.cell, th.name-cell");
    var link = target.closest("a");
    // A plain click on a value edits it; Ctrl/Cmd-click (or Ctrl+Enter) follows a link in it.
    if (link && cell && cell.classList.contains("cell") && !event.ctrlKey && !event.metaKey
        && !event.shiftKey && cell.closest("tr[data-editable]") && editableColumn(cell)) {
      event.preventDefault();
    } else if (target.closest("a, input, button, .picker, .cell-editor")) return;
    if (!cell) return;
    focusCell(cell, false);
    if (cell.classList.contains("cell") && BT.edit) BT.edit(cell);
  });
  table.addEventListener("dblclick", function (event) {
    var cell = event.target.closest("th.name-cell");
    if (cell && !event.target.closest("a, button") && BT.edit) BT.edit(cell);
  });

  // --- sections: collapse, remembered per board in this browser ---------------------------
  var collapsedKey = "workos.table.collapsed." + D.board;
  function collapsedSet() {
    try { return JSON.parse(localStorage.getItem(collapsedKey) || "[]"); } catch (e) { return []; }
  }
  function setCollapsed(tbody, collapsed) {
    tbody.classList.toggle("collapsed", collapsed);
    var button = tbody.querySelector(".section-toggle");
    var title = tbody.querySelector(".section-title").textContent;
    button.setAttribute("aria-expanded", String(!collapsed));
    button.setAttribute("aria-label", (collapsed ? "Expand " : "Collapse ") + title);
  }
  function toggleSection(tbody) {
    var collapsed = !tbody.classList.contains("collapsed");
    setCollapsed(tbody, collapsed);
    var keys = collapsedSet().filter(function (k) { return k !== tbody.dataset.section; });
    if (collapsed) keys.push(tbody.dataset.section);
    try { localStorage.setItem(collapsedKey, JSON.stringify(keys)); } catch (e) { /* private mode */ }
  }
  collapsedSet().forEach(function (key) {
    var tbody = sectionOf(key);
    if (tbody) setCollapsed(tbody, true);
  });

  function sectionOf(key) {
    var found = null;
    table.querySelectorAll("tbody.section").forEach(function (t) {
      if (t.dataset.section === String(key)) found = t;
    });
    return found;
  }
  BT.sectionOf = sectionOf;
  BT.rowCells = rowCells;
  BT.activeCell = function () { return active; };
  // Make a cell the grid's tab stop without moving focus to it.
  BT.setTabStop = function (cell) {
    if (active && active !== cell) active.tabIndex = -1;
    active = cell;
    cell.tabIndex = 0;
  };
})();
