// The workload heat map: move around the grid with the arrow keys, open a cell to see that
// person's items that day, and drag an item (or use "Move…") onto another person or day. A
// move reassigns the item and/or shifts its dates through the items API (with the item's
// version); the grid is then redrawn from the server. A refusal puts the item back and says
// why.
(function () {
  "use strict";
  var W = window.WorkOS;
  var page = document.getElementById("workload");
  if (!W || !page) return;
  var gridWrap = document.getElementById("wl-grid");
  var panel = document.getElementById("wl-cell");
  var selected = null; // {member, date}
  var dragging = null;

  // --- dates -------------------------------------------------------------------------------
  function parse(iso) {
    var p = iso.split("-").map(Number);
    return Date.UTC(p[0], p[1] - 1, p[2]);
  }
  function shift(iso, days) {
    return new Date(parse(iso) + days * 86400000).toISOString().slice(0, 10);
  }
  function daysBetween(from, to) { return Math.round((parse(to) - parse(from)) / 86400000); }
  function readable(iso) {
    return new Date(parse(iso)).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });
  }

  // --- the grid: one tab stop, arrows move -------------------------------------------------
  function cells() { return Array.prototype.slice.call(gridWrap.querySelectorAll("td.wl-cell")); }
  function cellAt(member, date) {
    return gridWrap.querySelector('td.wl-cell[data-member="' + member + '"][data-date="' + date + '"]');
  }
  function rove(target) {
    cells().forEach(function (td) { td.querySelector(".wl-hit").tabIndex = td === target ? 0 : -1; });
  }
  function initGrid() {
    var all = cells();
    if (!all.length) return;
    var first = selected && cellAt(selected.member, selected.date);
    if (!first) {
      var today = gridWrap.querySelector("th.is-today");
      var index = today ? Array.prototype.indexOf.call(today.parentNode.children, today) : 1;
      var row = gridWrap.querySelector("tbody tr");
      first = row && row.children[index] && row.children[index].classList.contains("wl-cell") ? row.children[index] : all[0];
    }
    rove(first);
    if (selected) {
      var again = cellAt(selected.member, selected.date);
      if (again) again.classList.add("is-selected");
    }
  }
  gridWrap.addEventListener("keydown", function (event) {
    var td = event.target.closest("td.wl-cell");
    if (!td) return;
    var row = td.parentNode, index = Array.prototype.indexOf.call(row.children, td), next = null;
    if (event.key === "ArrowRight") next = td.nextElementSibling;
    else if (event.key === "ArrowLeft") next = td.previousElementSibling;
    else if (event.key === "ArrowDown" && row.nextElementSibling) next = row.nextElementSibling.children[index];
    else if (event.key === "ArrowUp" && row.previousElementSibling) next = row.previousElementSibling.children[index];
    else if (event.key === "Home") next = row.querySelector("td.wl-cell");
    else if (event.key === "End") next = row.querySelectorAll("td.wl-cell")[row.querySelectorAll("td.wl-cell").length - 1];
    else return;
    event.preventDefault();
    if (next && next.classList.contains("wl-cell")) {
      rove(next);
      next.querySelector(".wl-hit").focus();
    }
  });
  gridWrap.addEventListener("click", function (event) {
    var td = event.target.closest("td.wl-cell");
    if (!td) return;
    rove(td);
    openCell(td.dataset.member, td.dataset.date);
  });

  function gridUrl() {
    var url = new URL(window.location.href);
    url.searchParams.set("part", "grid");
    return url.pathname + url.search;
  }
  function refreshGrid() {
    return fetch(gridUrl(), { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null) return;
      var focused = document.activeElement && gridWrap.contains(document.activeElement);
      gridWrap.innerHTML = html;
      initGrid();
      if (focused) {
        var tab = gridWrap.querySelector('.wl-hit[tabindex="0"]');
        if (tab) tab.focus();
      }
    });
  }

  // --- a cell's items ------------------------------------------------------------------------
  function openCell(member, date) {
    gridWrap.querySelectorAll("td.is-selected").forEach(function (td) { td.classList.remove("is-selected"); });
    var td = cellAt(member, date);
    if (td) td.classList.add("is-selected");
    selected = { member: member, date: date };
    var url = page.dataset.cellUrl + "?member=" + encodeURIComponent(member) + "&date=" + encodeURIComponent(date);
    panel.setAttribute("aria-busy", "true");
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : Promise.reject(r.status);
    }).then(function (html) {
      panel.innerHTML = html;
      panel.removeAttribute("aria-busy");
    }, function () {
      panel.removeAttribute("aria-busy");
      W.notice("The items of this cell could not be loaded.", "error");
    });
  }

  // --- moving an item ------------------------------------------------------------------------
  function nameOf(member) {
    var row = gridWrap.querySelector('tr[data-member="' + member + '"]');
    if (row) return row.dataset.name;
    var option = panel.querySelector('select[name="member"] option[value="' + member + '"]');
    return option ? option.textContent : "them";
  }

  function move(itemEl, toMember, toDate) {
    var detail = panel.querySelector(".wl-cell-detail");
    var fromMember = detail.dataset.member, fromDate = detail.dataset.date;
    toMember = String(toMember);
    if (toMember === fromMember && toDate === fromDate) return;
    var id = itemEl.dataset.id, name = itemEl.dataset.name;
    itemEl.classList.add("is-saving");
    itemEl.hidden = true; // shown again if the move is refused
    W.api("items/" + id + "/").then(function (current) {
      if (!current.ok) return current;
      var item = current.data, body = {};
      if (toMember !== fromMember) {
        var people = item.assignees.filter(function (m) { return String(m) !== fromMember; });
        if (people.map(String).indexOf(toMember) < 0) people.push(Number(toMember));
        body.assignees = people;
      }
      var days = daysBetween(fromDate, toDate);
      if (days) {
        if (item.start_date) body.start_date = shift(item.start_date, days);
        if (item.due_date) body.due_date = shift(item.due_date, days);
        if (!item.start_date && !item.due_date) body.due_date = toDate;
      }
      return W.api("items/" + id + "/", { method: "PATCH", body: body, ifMatch: item.version });
    }).then(function (result) {
      itemEl.classList.remove("is-saving");
      if (!result.ok) {
        itemEl.hidden = false;
        var why = result.status === 412 ? "Someone changed “" + name + "” meanwhile; look again and retry."
          : W.errorText(result);
        W.notice("“" + name + "” was not moved: " + why, "error");
        return;
      }
      var said = "“" + name + "” moved";
      if (toMember !== fromMember) said += " to " + nameOf(toMember);
      if (toDate !== fromDate && result.data.due_date) said += ", due " + readable(result.data.due_date);
      W.notice(said + ".");
      refreshGrid().then(function () {
        var target = cellAt(toMember, toDate);
        if (target) target.classList.add("is-moved");
        openCell(fromMember, fromDate);
      });
    });
  }

  panel.addEventListener("dragstart", function (event) {
    var itemEl = event.target.closest(".wl-item");
    if (!itemEl) return;
    dragging = itemEl;
    itemEl.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", itemEl.dataset.id);
  });
  panel.addEventListener("dragend", function () {
    if (dragging) dragging.classList.remove("is-dragging");
    dragging = null;
    gridWrap.querySelectorAll(".is-drop-target").forEach(function (td) { td.classList.remove("is-drop-target"); });
  });
  gridWrap.addEventListener("dragover", function (event) {
    var td = event.target.closest("td.wl-cell");
    if (!td || !dragging) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    gridWrap.querySelectorAll(".is-drop-target").forEach(function (c) { if (c !== td) c.classList.remove("is-drop-target"); });
    td.classList.add("is-drop-target");
  });
  gridWrap.addEventListener("dragleave", function (event) {
    var td = event.target.closest("td.wl-cell");
    if (td && !td.contains(event.relatedTarget)) td.classList.remove("is-drop-target");
  });
  gridWrap.addEventListener("drop", function (event) {
    var td = event.target.closest("td.wl-cell");
    if (!td || !dragging) return;
    event.preventDefault();
    td.classList.remove("is-drop-target");
    var itemEl = dragging;
    dragging = null;
    itemEl.classList.remove("is-dragging");
    move(itemEl, td.dataset.member, td.dataset.date);
  });

  panel.addEventListener("click", function (event) {
    var toggle = event.target.closest(".wl-move-toggle");
    if (!toggle) return;
    var form = toggle.parentNode.querySelector(".wl-move-form");
    form.hidden = !form.hidden;
    toggle.setAttribute("aria-expanded", form.hidden ? "false" : "true");
    if (!form.hidden) form.querySelector("select").focus();
  });
  panel.addEventListener("submit", function (event) {
    var form = event.target.closest(".wl-move-form");
    if (!form) return;
    event.preventDefault();
    var date = form.querySelector('input[name="date"]').value;
    if (!date) { W.notice("Choose a day.", "error"); return; }
    move(form.closest(".wl-item"), form.querySelector('select[name="member"]').value, date);
  });

  initGrid();
})();
