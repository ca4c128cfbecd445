// Bulk selection on the board table and the bulk actions (set status, assign, move to a group,
// archive), each one call to the items bulk endpoint: all the items change, or none.
(function () {
  "use strict";
  var W = window.WorkOS;
  var BT = window.BoardTable;
  if (!W || !BT) return;
  var table = BT.table;
  var selected = new Set();
  var bar = document.getElementById("bulk-bar");
  function markSelected(row, on) {
    row.classList.toggle("selected", on);
    row.setAttribute("aria-selected", String(on));
    var box = row.querySelector(".row-select");
    if (box) box.checked = on;
  }
  function toggleSelected(row, on) {
    if (!bar) return;
    on = on === undefined ? !selected.has(row.dataset.id) : on;
    if (on) selected.add(row.dataset.id); else selected.delete(row.dataset.id);
    markSelected(row, on);
    updateBulk();
  }
  function updateBulk() {
    if (!bar) return;
    bar.hidden = selected.size === 0;
    document.getElementById("bulk-count").textContent = selected.size + " selected";
    var all = document.getElementById("select-all");
    if (all) all.checked = selected.size > 0 && selected.size === table.querySelectorAll("tr.item-row").length;
  }
  table.addEventListener("change", function (event) {
    if (event.target.classList.contains("row-select")) {
      toggleSelected(event.target.closest("tr"), event.target.checked);
    } else if (event.target.id === "select-all") {
      var on = event.target.checked;
      table.querySelectorAll("tr.item-row").forEach(function (row) { toggleSelected(row, on); });
    }
  });
  function selectedIds() {
    return Array.from(selected).map(Number);
  }
  function bulk(body, done) {
    var ids = selectedIds();
    if (!ids.length) return;
    body.ids = ids;
    return W.api("items/bulk/", { method: "POST", body: body }).then(function (result) {
      if (!result.ok) { W.notice(BT.errorText(result), "error"); return; }
      done(result, ids);
    });
  }
  if (bar) {
    bar.addEventListener("submit", function (event) {
      var form = event.target.closest("form.bulk-action");
      if (!form) return;
      event.preventDefault();
      var raw = form.querySelector("select").value;
      if (!raw) return;
      var action = form.dataset.action;
      var body = action === "group" ? { action: "move", move: { group: Number(raw) } }
        : action === "status" ? { action: "update", fields: { status: raw === "none" ? null : Number(raw) } }
        : { action: "update", fields: { assignees: raw === "none" ? [] : [Number(raw)] } };
      bulk(body, function (result, ids) {
        W.notice(ids.length + " item" + (ids.length === 1 ? "" : "s") + " changed.");
        BT.refresh(ids);
      });
    });
    document.getElementById("bulk-archive").addEventListener("click", function () {
      var count = selected.size;
      if (!count || !window.confirm("Archive " + count + " item" + (count === 1 ? "" : "s") + "? Their sub-items are archived with them.")) return;
      bulk({ action: "archive" }, function (result, ids) {
        BT.removeRows(ids);
        W.notice(ids.length + " item" + (ids.length === 1 ? "" : "s") + " archived.");
        BT.refresh(ids);
      });
    });
    document.getElementById("bulk-clear").addEventListener("click", function () {
      table.querySelectorAll("tr.item-row.selected").forEach(function (row) { toggleSelected(row, false); });
    });
  }


  BT.selection = {
    toggle: function (row) { toggleSelected(row); },
    restore: function (row) { if (selected.has(row.dataset.id)) markSelected(row, true); },
    forget: function (id) { selected.delete(String(id)); updateBulk(); },
  };
})();
