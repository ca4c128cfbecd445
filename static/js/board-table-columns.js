// The board table's columns: widths (dragged at the header's edge, kept in the column for its
// editors, in this browser for core fields), order (drag a header, or the arrows in the Columns
// panel), which are shown, adding a column, renaming one, and adding a group.
(function () {
  "use strict";
  var W = window.WorkOS;
  var BT = window.BoardTable;
  if (!W || !BT || !BT.controls) return;
  var D = BT.data;
  var C = BT.controls;
  var table = BT.table;
  var column = BT.column;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function option(value, label) { return el("option", { value: String(value) }, label); }

  // --- column widths: the column's own width (editors) or this browser's for core fields ---
  var widthKey = "workos.table.widths." + D.board;
  function storedWidths() {
    try { return JSON.parse(localStorage.getItem(widthKey) || "{}"); } catch (e) { return {}; }
  }
  function colOf(name) { return table.querySelector('col[data-col="' + name + '"]'); }
  function fitTable() {
    var widths = Array.prototype.map.call(table.querySelectorAll("colgroup col"), function (c) {
      return parseFloat(c.style.width) || parseFloat(getComputedStyle(c).width) || 150;
    });
    var total = widths.reduce(function (a, b) { return a + b; }, 0);
    table.style.width = Math.max(total, table.parentNode.clientWidth - 2) + "px";
  }
  function applyWidths() {
    var stored = storedWidths();
    table.querySelectorAll("colgroup col[data-col]").forEach(function (c) {
      var name = c.getAttribute("data-col");
      var w = parseInt(c.getAttribute("data-width") || stored[name] || "0", 10);
      if (w >= 40) c.style.width = w + "px";
    });
    fitTable();
  }
  applyWidths();
  window.addEventListener("resize", fitTable);

  table.querySelectorAll("th .col-resize").forEach(function (handle) {
    handle.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      event.stopPropagation();
      var th = handle.closest("th");
      var name = th.getAttribute("data-col");
      var col = colOf(name);
      var startX = event.clientX;
      var startW = th.getBoundingClientRect().width;
      th.classList.add("resizing");
      handle.setPointerCapture(event.pointerId);
      function onMove(e) {
        col.style.width = Math.max(60, Math.round(startW + e.clientX - startX)) + "px";
        fitTable();
      }
      function onUp() {
        handle.removeEventListener("pointermove", onMove);
        handle.removeEventListener("pointerup", onUp);
        th.classList.remove("resizing");
        saveWidth(name, parseInt(col.style.width, 10));
      }
      handle.addEventListener("pointermove", onMove);
      handle.addEventListener("pointerup", onUp);
    });
  });
  function saveWidth(name, width) {
    var info = column(name);
    if (info && !info.core && D.canStructure) {
      W.api("boards/" + D.board + "/columns/" + info.id + "/", { method: "PATCH", body: { width: width } })
        .then(function (result) {
          if (!result.ok) W.notice(BT.errorText(result), "error");
          else info.width = width;
        });
      return;
    }
    var stored = storedWidths();
    stored[name] = width;
    try { localStorage.setItem(widthKey, JSON.stringify(stored)); } catch (e) { /* private mode */ }
  }

  // --- column order: the header row is draggable; every row follows ----------------------
  var reordered = false;
  function reorderRow(row, names) {
    var anchor = row.querySelector(".filler, .add-col-head") || null;
    names.forEach(function (name) {
      var cell = row.querySelector(':scope > [data-col="' + name + '"]');
      if (cell) row.insertBefore(cell, anchor);
    });
  }
  // Rows drawn by the server after a reorder (more rows, refreshed ones) follow the new order.
  BT.fixColumnOrder = function (row) {
    if (reordered) reorderRow(row, BT.shownOrder());
  };
  BT.reorderColumns = function (names) {
    reordered = true;
    table.querySelectorAll("tr.head-row, tr.item-row, tr.totals-row").forEach(function (row) {
      reorderRow(row, names);
    });
    var group = table.querySelector("colgroup");
    var colAnchor = group.querySelector(".c-add");
    names.forEach(function (name) {
      var c = colOf(name);
      if (c) group.insertBefore(c, colAnchor);
    });
  };
  BT.shownOrder = function () {
    return Array.prototype.map.call(table.querySelectorAll("thead th.col-head"), function (th) {
      return th.getAttribute("data-col");
    });
  };
  var headRow = table.querySelector("tr.head-row");
  if (window.Sortable && headRow) {
    window.Sortable.create(headRow, {
      draggable: "th.col-head", filter: ".col-resize, .col-rename", preventOnFilter: false,
      animation: 120,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        var names = BT.shownOrder();
        BT.reorderColumns(names);
        if (BT.columnsMoved) BT.columnsMoved(names);
      },
    });
  }

  // --- columns: which are shown, their order, adding and renaming -------------------------
  function shownNames() { return BT.shownOrder(); }
  function fillColumns() {
    var list = $("column-list");
    list.textContent = "";
    var order = shownNames();
    var all = order.map(BT.column).concat(D.columns.filter(function (c) { return order.indexOf(c.name) < 0; }));
    all.forEach(function (c) {
      if (!c) return;
      var li = el("li");
      var label = el("label");
      var box = el("input", { type: "checkbox" });
      box.checked = order.indexOf(c.name) >= 0;
      box.addEventListener("change", function () {
        var names = shownNames();
        C.config.columns = box.checked ? names.concat([c.name]) : names.filter(function (n) { return n !== c.name; });
        C.apply();
      });
      label.append(box, document.createTextNode(c.title));
      li.appendChild(label);
      if (box.checked) {
        var up = el("button", { type: "button", "aria-label": "Move " + c.title + " left" }, "◀");
        var down = el("button", { type: "button", "aria-label": "Move " + c.title + " right" }, "▶");
        up.addEventListener("click", function () { shift(c.name, -1, up); });
        down.addEventListener("click", function () { shift(c.name, 1, down); });
        li.append(up, down);
      }
      list.appendChild(li);
    });
  }
  function shift(name, by, button) {
    var names = shownNames();
    var at = names.indexOf(name);
    var to = at + by;
    if (to < 0 || to >= names.length) return;
    names.splice(at, 1);
    names.splice(to, 0, name);
    BT.reorderColumns(names);
    BT.columnsMoved(names);
    fillColumns();
    var again = $("column-list").querySelector('[aria-label="' + button.getAttribute("aria-label") + '"]');
    if (again) again.focus();
  }
  C.disclosure("columns-open", "columns-panel", fillColumns);
  var addColumnOpen = $("add-column-open");
  if (addColumnOpen) addColumnOpen.addEventListener("click", function () {
    if ($("columns-panel").hidden) $("columns-open").click();
    $("new-column-title").focus();
  });

  // A new order is kept in the view when this person manages it, as the board's own column
  // order for its editors otherwise, and in the address in any case.
  BT.columnsMoved = function (names) {
    C.config.columns = names;
    var q = new URLSearchParams(window.location.search);
    q.set("config", JSON.stringify(C.normal(C.config)));
    window.history.replaceState(null, "", D.urls.page + "?" + q.toString());
    D.query = q.toString();
    if (D.view && D.view.canManage) {
      var saved = Object.assign({}, D.view.config, { columns: names });
      W.api("views/" + D.view.id + "/", { method: "PATCH", body: { config: saved } }).then(function (result) {
        if (!result.ok) return W.notice(BT.errorText(result), "error");
        D.view.config = saved;
        W.notice("Column order saved in “" + D.view.name + "”.");
        C.markUnsaved();
      });
    } else if (!D.view && D.canStructure) {
      var custom = names.map(BT.column).filter(function (c) { return c && !c.core; });
      Promise.all(custom.map(function (c, i) {
        return W.api("boards/" + D.board + "/columns/" + c.id + "/", { method: "PATCH", body: { position: i } });
      })).then(function (results) {
        var bad = results.filter(function (r) { return !r.ok; })[0];
        W.notice(bad ? BT.errorText(bad) : "Column order saved.", bad ? "error" : "info");
      });
    }
    C.markUnsaved();
  };

  var addColumn = $("add-column-form");
  if (addColumn) {
    var typeSelect = $("new-column-type");
    D.addableTypes.forEach(function (t) { typeSelect.appendChild(option(t, t.replace("_", " "))); });
    addColumn.dataset.type = typeSelect.value;
    typeSelect.addEventListener("change", function () { addColumn.dataset.type = typeSelect.value; });
    addColumn.addEventListener("submit", function (event) {
      event.preventDefault();
      var type = typeSelect.value;
      var settings = {};
      var options = $("new-column-options").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      if (["status", "dropdown", "tags"].indexOf(type) >= 0 && options.length) settings.options = options;
      if (type === "dropdown") settings.multiple = $("new-column-multiple").checked;
      if (type === "formula") settings.expression = $("new-column-expression").value;
      var title = $("new-column-title").value.trim();
      W.api("boards/" + D.board + "/columns/", { method: "POST", body: { title: title, type: type, settings: settings } })
        .then(function (result) {
          if (!result.ok) { W.notice(BT.errorText(result), "error"); return; }
          if (Array.isArray(C.config.columns) && C.config.columns.length) {
            C.config.columns = shownNames().concat(["values." + result.data.key]);
          }
          C.apply();
        });
    });
  }

  BT.table.addEventListener("click", function (event) {
    var button = event.target.closest(".col-rename");
    if (!button) return;
    var th = button.closest("th");
    var info = BT.column(th.getAttribute("data-col"));
    var title = th.querySelector(".col-title");
    var input = el("input", { type: "text", "class": "cell-editor", maxlength: "200", "aria-label": "New title for " + info.title });
    input.value = info.title;
    title.hidden = true;
    title.after(input);
    input.focus();
    input.select();
    var done = false;
    function close(commit) {
      if (done) return;
      done = true;
      var next = input.value.trim();
      input.remove();
      title.hidden = false;
      button.focus();
      if (!commit || !next || next === info.title) return;
      W.api("boards/" + D.board + "/columns/" + info.id + "/", { method: "PATCH", body: { title: next } }).then(function (result) {
        if (!result.ok) { W.notice(BT.errorText(result), "error"); return; }
        info.title = result.data.title;
        title.textContent = result.data.title;
        button.setAttribute("aria-label", "Rename column " + result.data.title);
        W.notice("Column renamed to “" + result.data.title + "”.");
      });
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); close(true); }
      if (e.key === "Escape") { e.preventDefault(); close(false); }
      e.stopPropagation();
    });
    input.addEventListener("blur", function () { close(true); });
    input.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
  });

  var addGroup = $("add-group-form");
  if (addGroup) addGroup.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = $("add-group-name").value.trim();
    if (!name) return;
    W.api("boards/" + D.board + "/groups/", { method: "POST", body: { name: name } }).then(function (result) {
      if (!result.ok) { W.notice(BT.errorText(result), "error"); return; }
      window.location.reload();
    });
  });
})();
