// Inline editing of the board table's cells: the right control for each column type, an
// optimistic display while the change is saved through the items API with the row's version
// (If-Match), and the old value back with the server's message when the change is refused.
(function () {
  "use strict";
  var W = window.WorkOS;
  var BT = window.BoardTable;
  if (!W || !BT || !BT.pickers) return;
  var D = BT.data;
  var P = BT.pickers;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function pill(label, color) {
    var span = el("span", { className: "pill" }, label);
    if (color) span.setAttribute("data-color", color);
    return span;
  }
  // Editing starts where typing would continue, as in a spreadsheet; some input types (date,
  // number, e-mail) have no caret to place.
  function caretAtEnd(input) {
    try { input.setSelectionRange(input.value.length, input.value.length); } catch (e) {
      if (input.type === "number" && input.select) input.select();  // typing replaces the number
    }
  }
  function rowOf(cell) { return cell.closest("tr.item-row"); }
  function nameOf(row) { return row.querySelector(".name-text").textContent; }

  // --- saving -------------------------------------------------------------------------------
  function body(cell, value) {
    var name = cell.getAttribute("data-col");
    if (name.indexOf("values.") === 0) {
      var values = {};
      values[name.slice(7)] = value;
      return { values: values };
    }
    var out = {};
    out[name] = value;
    return out;
  }
  // Writes to one item go out one after another, each with the version the previous one left,
  // so two quick edits of a row never refuse each other as stale.
  var queues = {};
  function send(row, fields) {
    var id = row.dataset.id;
    var run = function () {
      var live = document.getElementById("item-" + id) || row;
      return W.api("items/" + id + "/", { method: "PATCH", body: fields, ifMatch: live.dataset.version })
        .then(function (result) {
          if (result.ok) {
            var now = document.getElementById("item-" + id);
            if (now) now.dataset.version = result.data.version;
          }
          return result;
        });
    };
    queues[id] = (queues[id] || Promise.resolve()).then(run, run);
    return queues[id];
  }
  function refused(row, result, name) {
    if (result.status === 412) {
      W.notice("Someone else changed “" + name + "” since you loaded it, so your change was not saved. Their version is shown now; make your change again.", "error");
      BT.refresh([Number(row.dataset.id)]);
    } else {
      W.notice(BT.errorText(result), "error");
    }
  }

  function save(cell, value, display) {
    var row = rowOf(cell);
    var name = nameOf(row);
    var before = Array.prototype.slice.call(cell.childNodes);
    var beforeValue = cell.getAttribute("data-value");
    cell.textContent = "";
    [].concat(display || []).forEach(function (node) { cell.appendChild(node); });
    BT.paint(cell);
    cell.setAttribute("data-value", JSON.stringify(value === undefined ? null : value));
    cell.setAttribute("aria-busy", "true");
    row.classList.add("saving");
    return send(row, body(cell, value)).then(function (result) {
      cell.removeAttribute("aria-busy");
      row.classList.remove("saving");
      if (result.ok) return BT.refresh([Number(row.dataset.id)]);
      cell.textContent = "";
      before.forEach(function (node) { cell.appendChild(node); });
      cell.setAttribute("data-value", beforeValue);
      refused(row, result, name);
    });
  }
  BT.save = save;

  // --- inline inputs --------------------------------------------------------------------------
  var INPUT_TYPES = { text: "text", email: "email", phone: "tel", link: "url", number: "number",
    money: "number", hours: "number", core_date: "date", date: "date", name: "text" };

  function inputEditor(cell, type, value) {
    var col = BT.column(cell.getAttribute("data-col")) || { settings: {} };
    var multiline = type === "long_text";
    var input = el(multiline ? "textarea" : "input", { className: "cell-editor",
      "aria-label": (col.title || "Name") + " of " + nameOf(rowOf(cell)) });
    if (!multiline) input.type = INPUT_TYPES[type] || "text";
    if (type === "date" && col.settings.include_time) input.type = "datetime-local";
    if (type === "number" || type === "money" || type === "hours") input.step = "any";
    var initial = value;
    if (type === "link" && value) initial = value.url;
    if (input.type === "datetime-local" && value) initial = String(value).slice(0, 16);
    input.value = initial === null || initial === undefined ? "" : String(initial);
    var saved = Array.prototype.slice.call(cell.childNodes);
    cell.classList.add("editing");
    cell.textContent = "";
    cell.appendChild(input);
    input.focus();
    caretAtEnd(input);
    var done = false;
    function close(commit) {
      if (done) return;
      done = true;
      cell.classList.remove("editing");
      var raw = input.value.trim();
      cell.textContent = "";
      saved.forEach(function (n) { cell.appendChild(n); });
      BT.focusCell(cell);
      var before = initial === null || initial === undefined ? "" : String(initial).trim();
      if (!commit || raw === before) return;
      var next = raw === "" ? null : raw;
      if (type === "link" && next) next = { url: raw, text: (value && value.text) || "" };
      if (type === "long_text") next = input.value.trim() === "" ? null : input.value;
      save(cell, next, next === null ? [] : el("span", { className: "text" }, raw));
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(false); }
      else if (event.key === "Enter" && (!multiline || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        close(true);
      } else if (event.key === "Tab") { close(true); }
      event.stopPropagation();
    });
    input.addEventListener("blur", function () { close(true); });
  }

  // The name cell keeps its toggle and link; only the text is edited.
  function nameEditor(cell) {
    var row = rowOf(cell);
    var current = nameOf(row);
    var input = el("input", { className: "cell-editor", type: "text", maxlength: "500",
      "aria-label": "Name of " + current });
    input.value = current;
    var text = cell.querySelector(".name-text");
    text.hidden = true;
    cell.classList.add("editing");
    text.after(input);
    input.focus();
    caretAtEnd(input);
    var done = false;
    function close(commit) {
      if (done) return;
      done = true;
      var raw = input.value.trim();
      input.remove();
      text.hidden = false;
      cell.classList.remove("editing");
      BT.focusCell(cell);
      if (!commit || raw === current) return;
      if (!raw) { W.notice("An item needs a name.", "error"); return; }
      text.textContent = raw;
      row.classList.add("saving");
      send(row, { name: raw }).then(function (result) {
        row.classList.remove("saving");
        if (result.ok) return BT.refresh([Number(row.dataset.id)]);
        text.textContent = current;
        refused(row, result, current);
      });
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(false); }
      else if (event.key === "Enter") { event.preventDefault(); close(true); }
      event.stopPropagation();
    });
    input.addEventListener("blur", function () { close(true); });
  }

  function sameList(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function peopleDisplay(ids) {
    var span = el("span", { className: "people" });
    ids.forEach(function (id) {
      var m = D.members.filter(function (x) { return x.id === id; })[0];
      var name = m ? m.name : "#" + id;
      var initials = name.split(/[\s@.]+/).filter(Boolean).slice(0, 2).map(function (p) { return p[0]; }).join("").toUpperCase();
      span.appendChild(el("span", { className: "avatar", title: name }, initials || "?"));
    });
    return span;
  }

  function starsDisplay(n, max) {
    var span = el("span", { className: "stars" });
    for (var i = 0; i < max; i++) span.appendChild(el("span", { className: "star" + (i < n ? " on" : "") }, "★"));
    return span;
  }

  // --- which control for which cell ---------------------------------------------------------
  BT.edit = function (cell) {
    var row = rowOf(cell);
    if (!row) return;
    if (!row.hasAttribute("data-editable")) {
      W.notice(D.canEdit ? "As a contributor you can change only items assigned to you."
        : "You can view this board but not change it.");
      return;
    }
    var type = cell.getAttribute("data-type");
    if (type === "name") return nameEditor(cell);
    var col = BT.column(cell.getAttribute("data-col"));
    if (!col) return;
    if (!col.editable) {
      W.notice(col.title + " is worked out or linked elsewhere, so it is not edited here.");
      return;
    }
    var value = JSON.parse(cell.getAttribute("data-value") || "null");
    var settings = col.settings || {};
    var options = (settings.options || []).map(function (o) { return { value: o.id, label: o.label, color: o.color }; });
    var title = col.title + " of " + nameOf(row);
    switch (type) {
      case "item_status":
        return P.choose(cell, title, D.statuses.map(function (s) { return { value: s.id, label: s.name, color: s.color }; })
          .concat([{ value: null, label: "No status", color: "" }]), value, function (o) {
          save(cell, o.value, o.value === null ? [] : pill(o.label, o.color));
        });
      case "priority":
        return P.choose(cell, title, D.priorities.slice().reverse(), value, function (o) {
          save(cell, o.value, o.value === "none" ? [] : pill(o.label, o.color));
        });
      case "status":
        return P.choose(cell, title, options.concat([{ value: null, label: "No value" }]), value, function (o) {
          save(cell, o.value, o.value === null ? [] : pill(o.label, o.color));
        });
      case "dropdown":
        if (!settings.multiple) {
          return P.choose(cell, title, options.concat([{ value: null, label: "No value" }]), value, function (o) {
            save(cell, o.value, o.value === null ? [] : pill(o.label, o.color));
          });
        }
        return P.check(cell, title, options, value || [], function (picked) {
          var ids = picked.map(function (o) { return o.value; });
          if (!sameList(ids, value || [])) save(cell, ids, picked.map(function (o) { return pill(o.label, o.color); }));
        });
      case "tags":
        var tagOptions = (settings.options || []).map(function (o) { return { value: o.label, label: o.label, color: o.color }; });
        (value || []).forEach(function (t) { if (!tagOptions.some(function (o) { return o.value === t; })) tagOptions.push({ value: t, label: t }); });
        return P.check(cell, title, tagOptions, value || [], function (picked) {
          var tags = picked.map(function (o) { return o.value; });
          if (!sameList(tags, value || [])) save(cell, tags, picked.map(function (o) { return pill(o.label, o.color); }));
        }, settings.free !== false);
      case "assignees":
      case "people":
        var people = D.members.map(function (m) { return { value: m.id, label: m.name }; });
        return P.check(cell, title, people, value || [], function (picked) {
          var ids = picked.map(function (o) { return o.value; }).sort(function (a, b) { return a - b; });
          if (!sameList(ids, (value || []).slice().sort(function (a, b) { return a - b; }))) save(cell, ids, peopleDisplay(ids));
        });
      case "checkbox":
        var on = value !== true;
        return save(cell, on, el("span", { className: "check" + (on ? " on" : "") }, on ? "✓" : ""));
      case "timeline":
        return P.range(cell, title, value, function (range) {
          save(cell, range, range ? el("span", { className: "text" }, range.start + " – " + range.end) : []);
        });
      case "rating":
        var max = settings.max || 5;
        return P.stars(cell, title, max, value, function (n) {
          save(cell, n, n ? starsDisplay(n, max) : []);
        });
      default:
        return inputEditor(cell, type, value);
    }
  };
})();
