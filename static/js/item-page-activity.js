// The item page's work around the item: add sub-items, add and remove dependencies (with an
// item finder), comments with @mention autocomplete, file uploads, and the timer. Every write
// is a REST API call; after it the part concerned is reloaded from the server, and a refusal
// is said in the message area. Plugs into item-page.js (loaded in either order).
(function () {
  "use strict";
  var W = window.WorkOS;
  if (!W || window.ItemPageActivity) return;
  window.ItemPageActivity = true;
  var IP;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function item(root) { return Number(root.dataset.item); }
  function after(root, parts, message) {
    parts.forEach(function (part) { IP.reload(root, part); });
    if (message) W.notice(message);
  }

  // --- a listbox under an input (the item finder and the mention list) ----------------------
  function listbox(input, list, choose) {
    var state = { options: [], active: -1 };
    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      state.options = [];
      state.active = -1;
    }
    function activate(index) {
      var nodes = list.querySelectorAll("[role=option]");
      if (!nodes.length) return;
      state.active = (index + nodes.length) % nodes.length;
      nodes.forEach(function (node, i) { node.setAttribute("aria-selected", i === state.active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", nodes[state.active].id);
    }
    function show(options) {
      list.textContent = "";
      state.options = options;
      if (!options.length) { close(); return; }
      options.forEach(function (option, i) {
        var li = el("li", "it-option", option.label);
        li.id = list.id + "-o" + i;
        li.setAttribute("role", "option");
        if (option.hint) li.appendChild(el("span", "muted small", " " + option.hint));
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(option);
          close();
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      activate(0);
    }
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); activate(state.active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); activate(state.active - 1); }
      else if (event.key === "Enter" || event.key === "Tab") {
        if (state.active < 0) return;
        event.preventDefault();
        choose(state.options[state.active]);
        close();
      } else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    return { show: show, close: close };
  }

  // --- sub-items and dependencies ---------------------------------------------------------
  function addSubItem(root, form) {
    var input = form.querySelector('input[name="name"]');
    var name = input.value.trim();
    if (!name) return;
    var button = form.querySelector("button");
    button.disabled = true;
    W.api("items/", { method: "POST", body: { board: Number(root.dataset.board), parent: item(root), name: name } })
      .then(function (result) {
        button.disabled = false;
        if (!result.ok) { W.notice(W.errorText(result), "error"); return; }
        IP.reload(root, "sub_items").then(function (fresh) {
          var again = fresh && fresh.querySelector('input[name="name"]');
          if (again) again.focus();
        });
        after(root, ["history"], "Sub-item “" + name + "” added.");
      });
  }

  function finder(root, form) {
    if (form._finder) return form._finder;
    var input = form.querySelector('input[name="q"]');
    var list = form.querySelector(".it-suggest");
    var timer = null;
    var box = listbox(input, list, function (option) {
      input.value = option.label;
      input.dataset.chosen = option.id;
    });
    input.addEventListener("input", function () {
      delete input.dataset.chosen;
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { box.close(); return; }
      timer = setTimeout(function () {
        W.api("items/?page_size=8&q=" + encodeURIComponent(q)).then(function (result) {
          if (!result.ok || input.value.trim() !== q) return;
          box.show(result.data.results.filter(function (row) { return row.id !== item(root); })
            .map(function (row) { return { id: row.id, label: row.name, hint: "#" + row.id }; }));
        });
      }, 200);
    });
    form._finder = box;
    return box;
  }

  function addLink(root, form) {
    var input = form.querySelector('input[name="q"]');
    var other = Number(input.dataset.chosen || 0);
    if (!other) { W.notice("Choose the item from the list that appears as you type.", "error"); input.focus(); return; }
    var waits = form.querySelector('select[name="side"]').value === "waits";
    var body = {
      predecessor: waits ? other : item(root), successor: waits ? item(root) : other,
      type: form.querySelector('select[name="type"]').value,
      lag_days: Number(form.querySelector('input[name="lag"]').value || 0),
    };
    W.api("dependencies/", { method: "POST", body: body }).then(function (result) {
      if (!result.ok) { W.notice(W.errorText(result), "error"); return; }
      after(root, ["links"], "Dependency added.");
    });
  }

  function removeLink(root, button) {
    button.disabled = true;
    W.api("dependencies/" + button.dataset.id + "/", { method: "DELETE" }).then(function (result) {
      if (!result.ok) { button.disabled = false; W.notice(W.errorText(result), "error"); return; }
      after(root, ["links"], "Dependency removed.");
    });
  }

  // --- comments with @mentions ---------------------------------------------------------------
  var MENTION_AT = /(^|\s)@([^\s@]{0,30})$/;

  function mentions(root, form) {
    if (form._mentions) return form._mentions;
    var area = form.querySelector("textarea");
    var data = form.querySelector('script[type="application/json"]');
    var people = data ? JSON.parse(data.textContent) : [];
    var chosen = [];
    var box = listbox(area, form.querySelector(".it-suggest"), function (person) {
      var caret = area.selectionStart;
      var head = area.value.slice(0, caret).replace(MENTION_AT, function (all, space) {
        return space + "@" + person.label + " ";
      });
      area.value = head + area.value.slice(caret);
      area.selectionStart = area.selectionEnd = head.length;
      if (!chosen.some(function (p) { return p.id === person.id; })) chosen.push(person);
    });
    area.addEventListener("input", function () {
      var match = area.value.slice(0, area.selectionStart).match(MENTION_AT);
      if (!match) { box.close(); return; }
      var q = match[2].toLowerCase();
      box.show(people.filter(function (p) {
        return p.name.toLowerCase().split(/\s+/).some(function (word) { return word.indexOf(q) === 0; })
          || p.name.toLowerCase().indexOf(q) === 0;
      }).slice(0, 8).map(function (p) { return { id: p.id, label: p.name }; }));
    });
    form._mentions = { chosen: chosen };
    return form._mentions;
  }

  // "@Name" of each person chosen from the list becomes the API's mention, @[Name](member:id).
  function withMentions(text, chosen) {
    chosen.slice().sort(function (a, b) { return b.label.length - a.label.length; })
      .forEach(function (person) {
        if (/[\[\]<>\n]/.test(person.label)) return;
        text = text.split("@" + person.label).join("@[" + person.label + "](member:" + person.id + ")");
      });
    return text;
  }

  function addComment(root, form) {
    var area = form.querySelector("textarea");
    if (!area.value.trim()) return;
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    var body = withMentions(area.value, mentions(root, form).chosen);
    W.api("items/" + item(root) + "/comments/", { method: "POST", body: { body: body } }).then(function (result) {
      button.disabled = false;
      if (!result.ok) { W.notice(W.errorText(result), "error"); return; }
      IP.reload(root, "comments").then(function (fresh) {
        var again = fresh && fresh.querySelector("textarea");
        if (again) again.focus();
      });
      after(root, ["history"], "Comment added.");
    });
  }

  function deleteComment(root, button) {
    if (!window.confirm("Delete this comment?")) return;
    W.api("items/" + item(root) + "/comments/" + button.dataset.id + "/", { method: "DELETE" }).then(function (result) {
      if (!result.ok) { W.notice(W.errorText(result), "error"); return; }
      after(root, ["comments", "history"], "Comment deleted.");
    });
  }

  // --- files ---------------------------------------------------------------------------------
  function upload(root, form) {
    var input = form.querySelector('input[type="file"]');
    if (!input.files.length) return;
    var data = new FormData();
    data.append("file", input.files[0]);
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(W.apiUrl("items/" + item(root) + "/attachments/"), {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "Accept": "application/json", "X-CSRFToken": W.meta("csrf-token") },
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, status: response.status, data: json }; },
        function () { return { ok: response.ok, status: response.status, data: {} }; });
    }, function () {
      return { ok: false, status: 0, data: { detail: "The server could not be reached." } };
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) { W.notice(W.errorText(result), "error"); return; }
      after(root, ["attachments", "history"], "“" + result.data.original_name + "” attached.");
    });
  }

  function removeFile(root, button) {
    button.disabled = true;
    W.api("items/" + item(root) + "/attachments/" + button.dataset.id + "/", { method: "DELETE" }).then(function (result) {
      if (!result.ok) { button.disabled = false; W.notice(W.errorText(result), "error"); return; }
      after(root, ["attachments", "history"], "File removed.");
    });
  }

  // --- the timer -----------------------------------------------------------------------------
  function clock(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h + ":" + (m < 10 ? "0" : "") + m;
  }
  function tick() {
    document.querySelectorAll(".it-time .elapsed[data-started]").forEach(function (node) {
      var started = Date.parse(node.getAttribute("data-started"));
      if (!isNaN(started)) node.textContent = clock(Math.max(0, Math.floor((Date.now() - started) / 60000)));
    });
  }
  setInterval(tick, 15000);
  document.addEventListener("htmx:load", tick);

  function timer(root, button, start) {
    button.disabled = true;
    var call = start ? W.api("timer/start/", { method: "POST", body: { item: item(root) } })
      : W.api("timer/stop/", { method: "POST" });
    call.then(function (result) {
      if (!result.ok) { button.disabled = false; W.notice(W.errorText(result), "error"); return; }
      var minutes = (result.data.entries || []).reduce(function (sum, e) { return sum + e.duration_minutes; }, 0);
      var message = start ? "Timer started." : (minutes ? "Timer stopped: " + clock(minutes) + " logged."
        : "Timer stopped within its first minute: nothing logged.");
      IP.reload(root, "time").then(function (fresh) {
        var next = fresh && fresh.querySelector('[data-action^="timer-"]');
        if (next) next.focus();
      });
      W.notice(message);
    });
  }

  // --- wiring ---------------------------------------------------------------------------------
  function plugin(root) {
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      var action = button.getAttribute("data-action");
      if (action === "remove-link") removeLink(root, button);
      else if (action === "delete-comment") deleteComment(root, button);
      else if (action === "remove-file") removeFile(root, button);
      else if (action === "timer-start") timer(root, button, true);
      else if (action === "timer-stop") timer(root, button, false);
    });
    root.addEventListener("submit", function (event) {
      var action = event.target.getAttribute("data-action");
      var handlers = { "add-sub-item": addSubItem, "add-link": addLink, "add-comment": addComment, "upload": upload };
      if (!handlers[action]) return;
      event.preventDefault();
      handlers[action](root, event.target);
    });
    // Finder and mention lists are set up on first use, so reloaded parts get theirs too.
    root.addEventListener("focusin", function (event) {
      var form = event.target.closest("form");
      if (!form) return;
      if (form.getAttribute("data-action") === "add-link" && event.target.name === "q") finder(root, form);
      if (form.getAttribute("data-action") === "add-comment" && event.target.tagName === "TEXTAREA") mentions(root, form);
    });
    root.addEventListener("keydown", function (event) {
      // Ctrl/Cmd+Enter sends a comment.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.closest('form[data-action="add-comment"]')) {
        event.preventDefault();
        addComment(root, event.target.closest("form"));
      }
    });
  }

  function start(ItemPage) { IP = ItemPage; ItemPage.plug(plugin); }
  if (window.ItemPage) start(window.ItemPage);
  else (window.ItemPageParts = window.ItemPageParts || []).push(function (root) {
    IP = window.ItemPage;
    plugin(root);
  });
})();
