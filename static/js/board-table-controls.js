// The board table's controls: saved views, filters, sorts and grouping (columns are in
// board-table-columns.js). The controls make a view config; applying it reloads the page with the config in the address (the server
// renders what it says), and "Save as view" / "Update view" store it through the views API.
(function () {
  "use strict";
  var W = window.WorkOS;
  var BT = window.BoardTable;
  if (!W || !BT) return;
  var D = BT.data;
  var cfg = JSON.parse(JSON.stringify(D.config || {}));
  var $ = function (id) { return document.getElementById(id); };

  var OP_LABELS = { is: "is", is_not: "is not", "in": "is one of", contains: "contains",
    gt: "is more than", lt: "is less than", gte: "is at least", lte: "is at most",
    between: "is between", empty: "is empty", not_empty: "is not empty", today: "is today",
    this_week: "is this week", next_week: "is next week", last_week: "was last week",
    this_month: "is this month", overdue: "is overdue" };
  var DATE_OP_LABELS = { gt: "is after", lt: "is before", gte: "is on or after", lte: "is on or before" };
  var VALUELESS = ["empty", "not_empty", "overdue", "today", "this_week", "next_week", "last_week", "this_month"];
  var OP_ORDER = Object.keys(OP_LABELS);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function option(value, label, selected) {
    var o = el("option", { value: String(value) }, label);
    if (selected) o.selected = true;
    return o;
  }
  function same(a, b) { return JSON.stringify(normal(a)) === JSON.stringify(normal(b)); }
  function normal(c) {
    var out = {};
    Object.keys(c || {}).sort().forEach(function (k) {
      var v = c[k];
      if (v === undefined || v === null || (Array.isArray(v) && !v.length)) return;
      if (k === "match" && v === "all") return;
      out[k] = v;
    });
    return out;
  }
  function field(name) { return D.fields.filter(function (f) { return f.name === name; })[0]; }

  // --- going somewhere with a config -----------------------------------------------------
  function go(config, viewId) {
    var q = new URLSearchParams();
    if (viewId) q.set("view", viewId);
    var base = viewId && D.view && D.view.id === viewId ? D.view.config : {};
    if (!same(config, base)) q.set("config", JSON.stringify(normal(config)));
    window.location.href = D.urls.page + (q.toString() ? "?" + q.toString() : "");
  }
  function apply() { go(cfg, D.view ? D.view.id : null); }
  function markUnsaved() {
    var base = D.view ? D.view.config : {};
    var dirty = !same(cfg, base);
    $("unsaved").hidden = !dirty;
    var update = $("view-update");
    if (update) update.hidden = !(dirty && D.view && D.view.canManage);
    if (update && D.view) update.textContent = "Update “" + D.view.name + "”";
  }

  // --- panels open and close like disclosures ---------------------------------------------
  function disclosure(buttonId, panelId, onOpen) {
    var button = $(buttonId), panel = $(panelId);
    if (!button || !panel) return;
    button.addEventListener("click", function () {
      var open = panel.hidden;
      ["filter-panel", "sort-panel", "columns-panel", "save-view-form"].forEach(function (id) {
        if ($(id) && id !== panelId) $(id).hidden = true;
      });
      document.querySelectorAll("[aria-controls]").forEach(function (b) {
        if (b.getAttribute("aria-controls") !== panelId && b.hasAttribute("aria-expanded")) b.setAttribute("aria-expanded", "false");
      });
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      if (open && onOpen) onOpen(panel);
      if (open) { var first = panel.querySelector("select, input, button"); if (first) first.focus(); }
    });
  }

  // --- views --------------------------------------------------------------------------------
  $("view-select").addEventListener("change", function (event) {
    var id = event.target.value;
    window.location.href = D.urls.page + (id ? "?view=" + encodeURIComponent(id) : "");
  });
  disclosure("view-save-open", "save-view-form");
  $("view-save-cancel").addEventListener("click", function () {
    $("save-view-form").hidden = true;
    $("view-save-open").setAttribute("aria-expanded", "false");
  });
  $("save-view-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var name = $("view-name").value.trim();
    if (!name) return;
    var shared = $("view-shared") ? $("view-shared").checked : false;
    W.api("views/", { method: "POST", body: { board: D.board, name: name, kind: "table", config: normal(cfg), is_shared: shared } })
      .then(function (result) {
        if (!result.ok) { W.notice(BT.errorText(result), "error"); return; }
        window.location.href = D.urls.page + "?view=" + result.data.id;
      });
  });
  var update = $("view-update");
  if (update) update.addEventListener("click", function () {
    W.api("views/" + D.view.id + "/", { method: "PATCH", body: { config: normal(cfg) } }).then(function (result) {
      if (!result.ok) { W.notice(BT.errorText(result), "error"); return; }
      window.location.href = D.urls.page + "?view=" + D.view.id;
    });
  });

  // --- filters --------------------------------------------------------------------------------
  function opsFor(f) {
    var allowed = D.ops[f.kind] || [];
    return OP_ORDER.filter(function (op) { return allowed.indexOf(op) >= 0; });
  }
  function valueControl(f, op, value) {
    if (VALUELESS.indexOf(op) >= 0) return null;
    var label = "Value for " + f.title;
    if (op === "in" || op === "between") {
      var list = el("input", { type: "text", "aria-label": label + (op === "between" ? " (from, to)" : " (separated by commas)"),
        placeholder: op === "between" ? "from, to" : "a, b, c" });
      list.value = Array.isArray(value) ? value.join(", ") : "";
      return list;
    }
    if (f.options && f.options.length) {
      var select = el("select", { "aria-label": label });
      f.options.forEach(function (o) { select.appendChild(option(o.value, o.label, String(o.value) === String(value))); });
      return select;
    }
    if (f.kind === "bool") {
      var yes = el("select", { "aria-label": label });
      yes.appendChild(option("true", "yes", value !== false));
      yes.appendChild(option("false", "no", value === false));
      return yes;
    }
    var type = { number: "number", date: "date", datetime: "date", timeline: "date" }[f.kind] || "text";
    var input = el("input", { type: type, "aria-label": label });
    if (type === "number") input.step = "any";
    input.value = value === undefined || value === null ? "" : String(value);
    return input;
  }
  function typed(f, raw) {
    var match = (f.options || []).filter(function (o) { return String(o.value) === raw; })[0];
    if (match) return match.value;
    if (f.kind === "number") return raw === "" ? raw : Number(raw);
    if (f.kind === "bool") return raw === "true";
    return raw;
  }
  function ruleRow(rule) {
    var li = el("li");
    var fieldSelect = el("select", { "aria-label": "Field" });
    D.fields.forEach(function (f) { fieldSelect.appendChild(option(f.name, f.title, f.name === rule.field)); });
    var opSelect = el("select", { "aria-label": "Operator" });
    var slot = el("span");
    var remove = el("button", { type: "button", "class": "remove", "aria-label": "Remove this filter" }, "×");
    function fillOps() {
      var f = field(fieldSelect.value);
      opSelect.textContent = "";
      opsFor(f).forEach(function (op) {
        var label = (f.kind === "date" || f.kind === "datetime" || f.kind === "timeline") && DATE_OP_LABELS[op] || OP_LABELS[op];
        opSelect.appendChild(option(op, label, op === rule.op));
      });
      fillValue();
    }
    function fillValue() {
      slot.textContent = "";
      var control = valueControl(field(fieldSelect.value), opSelect.value, rule.value);
      if (control) slot.appendChild(control);
    }
    fieldSelect.addEventListener("change", function () { rule = { field: fieldSelect.value }; fillOps(); });
    opSelect.addEventListener("change", fillValue);
    remove.addEventListener("click", function () { li.remove(); });
    li.append(fieldSelect, opSelect, slot, remove);
    li.read = function () {
      var f = field(fieldSelect.value);
      var out = { field: f.name, op: opSelect.value };
      var control = slot.firstChild;
      if (!control) return out;
      if (out.op === "in" || out.op === "between") {
        out.value = control.value.split(",").map(function (s) { return typed(f, s.trim()); })
          .filter(function (v) { return v !== ""; });
      } else out.value = typed(f, control.value);
      return out;
    };
    fillOps();
    return li;
  }
  function fillFilters() {
    var list = $("filter-rules");
    list.textContent = "";
    (cfg.filters || []).forEach(function (rule) { list.appendChild(ruleRow(rule)); });
    if (!list.children.length) list.appendChild(ruleRow({ field: "name", op: "contains" }));
    $("filter-match").value = cfg.match || "all";
  }
  disclosure("filter-open", "filter-panel", fillFilters);
  $("filter-add").addEventListener("click", function () {
    var row = ruleRow({ field: "status", op: "is" });
    $("filter-rules").appendChild(row);
    row.querySelector("select").focus();
  });
  $("filter-apply").addEventListener("click", function () {
    var rules = Array.prototype.map.call($("filter-rules").children, function (li) { return li.read(); })
      .filter(function (r) { return VALUELESS.indexOf(r.op) >= 0 || (r.value !== "" && r.value !== undefined && !(Array.isArray(r.value) && !r.value.length)); });
    cfg.filters = rules;
    cfg.match = $("filter-match").value;
    apply();
  });
  $("filter-clear").addEventListener("click", function () { cfg.filters = []; delete cfg.match; apply(); });
  $("filter-count").textContent = (cfg.filters || []).length || "";

  // --- sorts ----------------------------------------------------------------------------------
  var sortable = D.fields.filter(function (f) { return f.kind !== "multi"; });
  function sortRow(rule) {
    var li = el("li");
    var fieldSelect = el("select", { "aria-label": "Sort by" });
    sortable.forEach(function (f) { fieldSelect.appendChild(option(f.name, f.title, f.name === rule.field)); });
    var direction = el("select", { "aria-label": "Direction" });
    direction.appendChild(option("asc", "ascending", rule.direction !== "desc"));
    direction.appendChild(option("desc", "descending", rule.direction === "desc"));
    var remove = el("button", { type: "button", "class": "remove", "aria-label": "Remove this sort" }, "×");
    remove.addEventListener("click", function () { li.remove(); });
    li.append(fieldSelect, direction, remove);
    li.read = function () { return { field: fieldSelect.value, direction: direction.value }; };
    return li;
  }
  function fillSorts() {
    var list = $("sort-rules");
    list.textContent = "";
    (cfg.sorts || []).forEach(function (rule) { list.appendChild(sortRow(rule)); });
    if (!list.children.length) list.appendChild(sortRow({ field: "due_date", direction: "asc" }));
  }
  disclosure("sort-open", "sort-panel", fillSorts);
  $("sort-add").addEventListener("click", function () { $("sort-rules").appendChild(sortRow({ field: "name" })); });
  $("sort-apply").addEventListener("click", function () {
    cfg.sorts = Array.prototype.map.call($("sort-rules").children, function (li) { return li.read(); });
    apply();
  });
  $("sort-clear").addEventListener("click", function () { cfg.sorts = []; apply(); });
  $("sort-count").textContent = (cfg.sorts || []).length || "";

  // --- grouping -------------------------------------------------------------------------------
  var groupSelect = $("group-select");
  D.groupChoices.forEach(function (c) { groupSelect.appendChild(option(c.value, c.label, c.value === D.grouping)); });
  groupSelect.addEventListener("change", function () {
    if (groupSelect.value === "group") delete cfg.group_by; else cfg.group_by = groupSelect.value;
    apply();
  });

  BT.controls = { config: cfg, apply: apply, normal: normal, markUnsaved: markUnsaved,
                  disclosure: disclosure };
  markUnsaved();
})();
