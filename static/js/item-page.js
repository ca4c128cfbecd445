// The item page (or the item in a board page's side panel): fields edited in place, saved
// through the items API with the item's version (If-Match) and put back with the server's
// message when refused; rename; the Markdown description; parts reloaded from the server
// after a write. Sub-items, dependencies, comments, files and the timer are in
// item-page-activity.js, which plugs in through window.ItemPage.
(function () {
  "use strict";
  if (window.ItemPage) { window.ItemPage.setupAll(document); return; }
  var W = window.WorkOS;
  if (!W) return;

  function paint(root) {
    W.paint(root);
    root.querySelectorAll(".it-field.kind-select select").forEach(selectColor);
  }
  function selectColor(select) {
    var chosen = select.options[select.selectedIndex];
    W.color(select, chosen ? chosen.getAttribute("data-color") : "");
    select.classList.toggle("has-color", !!(chosen && chosen.getAttribute("data-color")));
  }

  // --- writes and parts -----------------------------------------------------------------------
  // Writes to the item go out one after another, each with the version the last one left,
  // so two quick edits never refuse each other as stale.
  function patch(root, body) {
    var run = function () {
      return W.api("items/" + root.dataset.item + "/", {
        method: "PATCH", body: body, ifMatch: root.dataset.version,
      }).then(function (result) {
        if (result.ok) root.dataset.version = result.data.version;
        return result;
      });
    };
    root._queue = (root._queue || Promise.resolve()).then(run, run);
    return root._queue;
  }

  function swap(root, old, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh || !old) return null;
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    paint(fresh);
    return fresh;
  }

  // Reload one part (`fields`, `comments`, ...; `time` has its own address).
  function reload(root, part) {
    var old = root.querySelector('[data-part="' + part + '"]');
    var url = part === "time" && old ? old.getAttribute("data-url")
      : root.dataset.pageUrl + "?part=" + encodeURIComponent(part);
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return null;
        var fresh = swap(root, root.querySelector('[data-part="' + part + '"]'), html);
        if (fresh && part === "fields") root.dataset.version = fresh.dataset.version;
        return fresh;
      }, function () { return null; });
  }

  function refused(root, result, what) {
    if (result.status === 412) {
      W.notice("Someone else changed this item since you opened it, so your change to " + what +
               " was not saved. Their version is shown now; make your change again.", "error");
      reload(root, "fields");
    } else {
      W.notice(W.errorText(result), "error");
    }
  }

  // --- fields -------------------------------------------------------------------------------
  function title(field) { return field.querySelector(".it-label").textContent.trim(); }
  function checked(field) {
    return Array.prototype.filter.call(field.querySelectorAll(".it-options input"), function (box) {
      return box.checked;
    });
  }

  // The value a field's control holds, in the API's shape (undefined while incomplete).
  function read(field) {
    var kind = field.dataset.kind, whole = field.dataset.number === "int";
    var input = field.querySelector(".it-input, .it-check");
    var text;
    if (kind === "select") {
      return input.value === "" ? null : (whole ? Number(input.value) : input.value);
    }
    if (kind === "people" || kind === "multi") {
      return checked(field).map(function (box) { return whole ? Number(box.value) : box.value; });
    }
    if (kind === "timeline") {
      var from = field.querySelector('[data-end="start"]').value;
      var to = field.querySelector('[data-end="end"]').value;
      if (!from && !to) return null;
      // Half a range: wait for the other date.
      return from && to ? { start: from, end: to } : undefined;
    }
    if (kind === "checkbox") return input.checked;
    if (kind === "long_text") return input.value.trim() === "" ? null : input.value;
    text = input.value.trim();
    if (kind === "tags") {
      var tags = text.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
      return tags.length ? tags : null;
    }
    if (text === "") return null;
    if (input.type === "url") {
      var before = JSON.parse(field.dataset.value || "null");
      return { url: text, text: (before && before.text) || "" };
    }
    return text;
  }

  // Put a value back into a field's control (after a refusal).
  function write(field, value) {
    var kind = field.dataset.kind;
    var input = field.querySelector(".it-input, .it-check");
    if (kind === "people" || kind === "multi") {
      var wanted = (value || []).map(String);
      field.querySelectorAll(".it-options input").forEach(function (box) {
        box.checked = wanted.indexOf(box.value) >= 0;
      });
      pickedLabel(field);
    } else if (kind === "timeline") {
      field.querySelector('[data-end="start"]').value = value ? value.start : "";
      field.querySelector('[data-end="end"]').value = value ? value.end : "";
    } else if (kind === "checkbox") {
      input.checked = !!value;
    } else if (kind === "tags") {
      input.value = (value || []).join(", ");
    } else if (value && typeof value === "object") {
      input.value = value.url || "";
    } else {
      input.value = value === null || value === undefined ? "" : String(value).slice(0, kind === "datetime" ? 16 : undefined);
    }
    if (kind === "select") selectColor(input);
  }

  function pickedLabel(field) {
    var label = field.querySelector(".it-picked");
    if (!label) return;
    var names = checked(field).map(function (box) { return box.parentNode.textContent.trim(); });
    label.textContent = names.length ? names.join(", ") : "—";
  }

  function body(name, value) {
    if (name.indexOf("values.") === 0) {
      var values = {};
      values[name.slice(7)] = value;
      return { values: values };
    }
    var out = {};
    out[name] = value;
    return out;
  }

  function save(root, field) {
    var before = JSON.parse(field.dataset.value || "null");
    var value = read(field);
    if (value === undefined || JSON.stringify(value) === JSON.stringify(before)) return;
    var what = title(field);
    field.classList.add("is-saving");
    field.setAttribute("aria-busy", "true");
    patch(root, body(field.dataset.field, value)).then(function (result) {
      field.classList.remove("is-saving");
      field.removeAttribute("aria-busy");
      if (!result.ok) {
        write(field, before);
        refused(root, result, what);
        return;
      }
      field.dataset.value = JSON.stringify(value);
      field.classList.add("is-saved");
      setTimeout(function () { field.classList.remove("is-saved"); }, 1200);
      W.notice(what + " saved.");
      reload(root, "history");
      if (field.dataset.field === "estimate_hours") reload(root, "time");
    });
  }

  // --- rename and description -------------------------------------------------------------
  function rename(root, button) {
    var heading = root.querySelector(".it-title");
    var text = heading.querySelector(".it-name");
    var current = text.textContent;
    var input = document.createElement("input");
    input.type = "text";
    input.maxLength = 500;
    input.className = "it-name-input";
    input.value = current;
    input.setAttribute("aria-label", "Name");
    text.hidden = true;
    button.hidden = true;
    heading.appendChild(input);
    input.focus();
    input.select();
    var done = false;
    function close(commit) {
      if (done) return;
      done = true;
      var name = input.value.trim();
      input.remove();
      text.hidden = false;
      button.hidden = false;
      button.focus();
      if (!commit || name === current) return;
      if (!name) { W.notice("An item needs a name.", "error"); return; }
      text.textContent = name;
      patch(root, { name: name }).then(function (result) {
        if (!result.ok) { text.textContent = current; refused(root, result, "the name"); return; }
        W.notice("Renamed to “" + name + "”.");
        reload(root, "history");
      });
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(false); }
      else if (event.key === "Enter") { event.preventDefault(); close(true); }
    });
    input.addEventListener("blur", function () { close(true); });
  }

  function descriptionForm(root, open) {
    var form = root.querySelector(".it-description-form");
    var toggle = root.querySelector('[data-action="edit-description"]');
    if (!form || !toggle) return;
    form.hidden = !open;
    root.querySelector(".it-markdown").hidden = open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.hidden = open;
    if (open) form.querySelector("textarea").focus(); else toggle.focus();
  }

  function saveDescription(root, form) {
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    patch(root, { description: form.querySelector("textarea").value }).then(function (result) {
      button.disabled = false;
      if (!result.ok) { refused(root, result, "the description"); return; }
      W.notice("Description saved.");
      reload(root, "description").then(function (fresh) {
        var again = fresh && fresh.querySelector('[data-action="edit-description"]');
        if (again) again.focus();
      });
      reload(root, "history");
    });
  }

  // --- wiring -----------------------------------------------------------------------------------
  var plugins = [];

  function bind(root) {
    root.addEventListener("change", function (event) {
      var field = event.target.closest(".it-field");
      if (!field || event.target.classList.contains("it-filter")) return;
      if (field.dataset.kind === "people" || field.dataset.kind === "multi") pickedLabel(field);
      if (event.target.tagName === "SELECT") selectColor(event.target);
      save(root, field);
    });
    root.addEventListener("input", function (event) {
      if (!event.target.classList.contains("it-filter")) return;
      var wanted = event.target.value.trim().toLowerCase();
      event.target.closest(".it-picker").querySelectorAll(".it-options li").forEach(function (li) {
        li.hidden = wanted !== "" && li.textContent.toLowerCase().indexOf(wanted) < 0;
      });
    });
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      var action = button.getAttribute("data-action");
      if (action === "rename") rename(root, button);
      else if (action === "edit-description") descriptionForm(root, true);
      else if (action === "cancel-description") descriptionForm(root, false);
    });
    root.addEventListener("submit", function (event) {
      if (!event.target.classList.contains("it-description-form")) return;
      event.preventDefault();
      saveDescription(root, event.target);
    });
    root.addEventListener("keydown", function (event) {
      // Escape closes an open picker and returns to its summary.
      var picker = event.target.closest(".it-picker[open]");
      if (event.key === "Escape" && picker) {
        picker.open = false;
        picker.querySelector("summary").focus();
      }
    });
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    paint(root);
    bind(root);
    plugins.forEach(function (plugin) { plugin(root); });
  }

  function setupAll(scope) {
    (scope || document).querySelectorAll(".item-detail").forEach(setup);
  }

  window.ItemPage = {
    setupAll: setupAll, patch: patch, reload: reload, refused: refused, paint: paint,
    plug: function (plugin) {
      plugins.push(plugin);
      document.querySelectorAll(".item-detail[data-ready]").forEach(plugin);
    },
  };
  (window.ItemPageParts || []).forEach(window.ItemPage.plug);
  setupAll(document);
  document.addEventListener("htmx:load", function (event) {
    setupAll(document);
    if (event.target && event.target.closest && event.target.closest(".item-detail")) paint(event.target);
  });
})();
