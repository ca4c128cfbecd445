// Popover pickers under a board table cell: one choice from a list (statuses, priorities,
// options), several (people, tags), a date range and a rating. Each closes on Escape or a click
// outside, gives focus back to its cell, and hands the choice to a callback.
(function () {
  "use strict";
  var W = window.WorkOS;
  var BT = window.BoardTable;
  if (!W || !BT) return;
  var openPicker = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function closePicker(refocus) {
    if (!openPicker) return;
    var p = openPicker;
    openPicker = null;
    p.node.remove();
    p.cell.classList.remove("editing");
    document.removeEventListener("mousedown", p.outside, true);
    if (refocus !== false) BT.focusCell(p.cell);
  }
  function picker(cell, label, build) {
    closePicker(false);
    var node = el("div", { className: "picker", role: "dialog", "aria-label": label });
    document.body.appendChild(node);
    var rect = cell.getBoundingClientRect();
    node.style.left = Math.max(8, rect.left + window.scrollX) + "px";
    node.style.top = rect.bottom + window.scrollY + 2 + "px";
    cell.classList.add("editing");
    var state = { node: node, cell: cell };
    state.outside = function (event) { if (!node.contains(event.target)) closePicker(false); };
    document.addEventListener("mousedown", state.outside, true);
    openPicker = state;
    node.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closePicker(); }
      event.stopPropagation();
    });
    build(node);
    var first = node.querySelector("[aria-selected=true], input, button");
    if (first) first.focus();
    return node;
  }

  // One choice from a list: statuses, priorities, single-choice options.
  function choosePicker(cell, label, options, current, onPick) {
    picker(cell, label, function (node) {
      var list = el("div", { role: "listbox", "aria-label": label });
      options.forEach(function (o) {
        var option = el("button", { type: "button", role: "option", "aria-selected": String(o.value === current) });
        var dot = el("span", { className: "dot", "aria-hidden": "true" });
        if (o.color) dot.setAttribute("data-color", o.color);
        option.appendChild(dot);
        option.appendChild(document.createTextNode(o.label));
        option.addEventListener("click", function () { closePicker(); if (o.value !== current) onPick(o); });
        list.appendChild(option);
      });
      list.addEventListener("keydown", function (event) {
        var items = Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
        var at = items.indexOf(document.activeElement);
        if (event.key === "ArrowDown") { event.preventDefault(); items[Math.min(items.length - 1, at + 1)].focus(); }
        if (event.key === "ArrowUp") { event.preventDefault(); items[Math.max(0, at - 1)].focus(); }
      });
      node.appendChild(list);
      BT.paint(node);
    });
  }

  // Several choices: people, tags, multi-choice dropdowns.
  function checkPicker(cell, label, options, current, onDone, allowNew) {
    picker(cell, label, function (node) {
      var chosen = current.map(String);
      var filter = el("input", { className: "picker-filter", type: "search", "aria-label": "Filter " + label });
      filter.placeholder = allowNew ? "Filter or type a new tag" : "Filter";
      node.appendChild(filter);
      var list = el("div", { className: "checks" });
      function render() {
        list.textContent = "";
        var q = filter.value.trim().toLowerCase();
        options.forEach(function (o) {
          if (q && o.label.toLowerCase().indexOf(q) < 0) return;
          var row = el("label", { className: "picker-check" });
          var box = el("input", { type: "checkbox" });
          box.checked = chosen.indexOf(String(o.value)) >= 0;
          box.addEventListener("change", function () {
            var v = String(o.value);
            chosen = box.checked ? chosen.concat([v]) : chosen.filter(function (c) { return c !== v; });
          });
          row.appendChild(box);
          if (o.color) { var dot = el("span", { className: "dot", "aria-hidden": "true" }); dot.setAttribute("data-color", o.color); row.appendChild(dot); }
          row.appendChild(document.createTextNode(o.label));
          list.appendChild(row);
        });
        BT.paint(list);
      }
      filter.addEventListener("input", render);
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          var typed = filter.value.trim();
          if (allowNew && typed && chosen.indexOf(typed) < 0) {
            options.push({ value: typed, label: typed });
            chosen.push(typed);
            filter.value = "";
            render();
          } else finish();
        }
      });
      render();
      node.appendChild(list);
      var actions = el("div", { className: "picker-actions" });
      var cancel = el("button", { type: "button" }, "Cancel");
      var ok = el("button", { type: "button", className: "primary" }, "Done");
      cancel.addEventListener("click", function () { closePicker(); });
      function finish() {
        closePicker();
        var picked = options.filter(function (o) { return chosen.indexOf(String(o.value)) >= 0; });
        onDone(picked);
      }
      ok.addEventListener("click", finish);
      actions.appendChild(cancel);
      actions.appendChild(ok);
      node.appendChild(actions);
    });
  }

  // A date range (a timeline): onSave gets {start, end}, or null to clear it.
  function rangePicker(cell, label, value, onSave) {
    picker(cell, label, function (node) {
      var box = el("div", { className: "range" });
      var start = el("input", { type: "date", "aria-label": "Starts" });
      var end = el("input", { type: "date", "aria-label": "Ends" });
      start.value = (value && value.start) || "";
      end.value = (value && value.end) || "";
      box.appendChild(el("label", {}, "Starts")); box.appendChild(start);
      box.appendChild(el("label", {}, "Ends")); box.appendChild(end);
      node.appendChild(box);
      var actions = el("div", { className: "picker-actions" });
      var clear = el("button", { type: "button" }, "Clear");
      var ok = el("button", { type: "button", className: "primary" }, "Save");
      clear.addEventListener("click", function () { closePicker(); onSave(null); });
      ok.addEventListener("click", function () {
        if (!start.value || !end.value) { W.notice("Give both dates, or clear the timeline.", "error"); return; }
        closePicker();
        onSave({ start: start.value, end: end.value });
      });
      node.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); ok.click(); } });
      actions.appendChild(clear); actions.appendChild(ok);
      node.appendChild(actions);
    });
  }

  // A rating out of `max`: onPick gets the number, or null to clear it.
  function starsPicker(cell, label, max, value, onPick) {
    picker(cell, label, function (node) {
      var group = el("div", { className: "star-buttons", role: "group", "aria-label": label });
      for (var i = 1; i <= max; i++) {
        (function (n) {
          var b = el("button", { type: "button", "aria-label": n + " of " + max, "aria-pressed": String(n === value) }, "★");
          if (n <= (value || 0)) b.classList.add("on");
          b.addEventListener("click", function () { closePicker(); onPick(n); });
          group.appendChild(b);
        })(i);
      }
      node.appendChild(group);
      var actions = el("div", { className: "picker-actions" });
      var clear = el("button", { type: "button" }, "Clear");
      clear.addEventListener("click", function () { closePicker(); onPick(null); });
      actions.appendChild(clear);
      node.appendChild(actions);
    });
  }
  BT.pickers = { close: closePicker, choose: choosePicker, check: checkPicker, range: rangePicker,
                 stars: starsPicker };
})();
