// The project page: tick gate items, advance the phase, post a status update, take a baseline
// and write the close-out summary, each through the REST API. After a write the page re-reads
// the section it changed (?part=...) so the server's evaluation of the gate is what shows.
(function () {
  "use strict";

  var root = document.getElementById("project");
  if (!root || !window.WorkOS) return;
  var api = window.WorkOS.api;
  var projectPath = "projects/" + root.dataset.project + "/";
  var FLASH = "workos-project-notice";

  function refresh(part) {
    return fetch(root.dataset.pageUrl + "?part=" + part, {
      credentials: "same-origin", headers: { "Accept": "text/html" },
    }).then(function (response) {
      if (!response.ok) throw new Error("Could not refresh the page section.");
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("#" + part);
      var old = document.getElementById(part);
      if (fresh && old) old.replaceWith(fresh);
      return fresh;
    });
  }

  function reloadWith(message) {
    try { sessionStorage.setItem(FLASH, message); } catch (e) { /* private mode: no flash */ }
    window.location.reload();
  }

  function formError(form, text) {
    var line = form.querySelector(".form-error");
    if (!line) { window.WorkOS.notice(text, "error"); return; }
    line.textContent = text;
    line.hidden = !text;
  }

  function busy(form, on) {
    Array.prototype.forEach.call(form.querySelectorAll("button, input, select, textarea"),
      function (el) { el.disabled = on; });
  }

  // -- gate -------------------------------------------------------------------------------

  function tick(box) {
    var label = document.querySelector('label[for="' + box.id + '"]');
    var name = label ? label.textContent : "the item";
    box.disabled = true;
    api(projectPath + "gate-items/" + box.dataset.gateItem + "/",
        { method: "PATCH", body: { done: box.checked } }).then(function (result) {
      if (!result.ok) {
        box.checked = !box.checked;
        box.disabled = false;
        window.WorkOS.notice(window.WorkOS.errorText(result), "error");
        return;
      }
      window.WorkOS.notice((box.checked ? "Ticked: " : "Unticked: ") + name);
      refresh("gate").then(function () {
        var again = document.getElementById(box.id);
        if (again) again.focus();
      });
    });
  }

  function showRefusal(result) {
    var box = document.getElementById("advance-refusal");
    if (!box) { window.WorkOS.notice(window.WorkOS.errorText(result), "error"); return; }
    var data = result.data || {};
    var unmet = (data.fields && data.fields.unmet) || [];
    box.querySelector(".refusal-title").textContent =
      data.message || window.WorkOS.errorText(result);
    var list = box.querySelector("ul");
    list.textContent = "";
    unmet.forEach(function (item) {
      var li = document.createElement("li");
      var strong = document.createElement("strong");
      strong.textContent = item.label;
      li.appendChild(strong);
      li.appendChild(document.createTextNode(" — " + item.detail));
      list.appendChild(li);
    });
    var override = box.querySelector("[data-override]");
    if (override) override.hidden = data.code !== "gate_unmet";
    box.hidden = false;
  }

  function advance(body, control) {
    control.disabled = true;
    api(projectPath + "advance/", { method: "POST", body: body }).then(function (result) {
      if (result.ok) {
        var phase = result.data.project.phase;
        reloadWith("The project is now in " + phase + ".");
        return;
      }
      control.disabled = false;
      showRefusal(result);
    });
  }

  // -- forms ------------------------------------------------------------------------------

  function submitStatus(form) {
    var body = { health: form.elements.health.value, text: form.elements.text.value };
    busy(form, true);
    api(projectPath + "status-updates/", { method: "POST", body: body }).then(function (result) {
      busy(form, false);
      if (!result.ok) { formError(form, window.WorkOS.errorText(result)); return; }
      window.WorkOS.notice("Status update posted.");
      refresh("status").then(function (fresh) {
        var heading = fresh && fresh.querySelector("h2");
        if (heading) { heading.tabIndex = -1; heading.focus(); }
      });
    });
  }

  function submitBaseline(form) {
    busy(form, true);
    api(projectPath + "baselines/", { method: "POST", body: { name: form.elements.name.value } })
      .then(function (result) {
        busy(form, false);
        if (!result.ok) { formError(form, window.WorkOS.errorText(result)); return; }
        reloadWith("Baseline taken: " + result.data.name + ".");
      });
  }

  function submitCloseout(form) {
    var body = { closeout_summary: form.elements.closeout_summary.value };
    busy(form, true);
    api(projectPath, { method: "PATCH", body: body }).then(function (result) {
      busy(form, false);
      if (!result.ok) { formError(form, window.WorkOS.errorText(result)); return; }
      formError(form, "");
      window.WorkOS.notice("Close-out summary saved.");
      refresh("gate");
    });
  }

  root.addEventListener("change", function (event) {
    if (event.target.matches("[data-gate-item]")) tick(event.target);
  });

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-advance]");
    if (button) advance({}, button);
  });

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var handlers = [["[data-status-form]", submitStatus], ["[data-baseline-form]", submitBaseline],
                    ["[data-closeout-form]", submitCloseout]];
    if (form.matches("[data-override]")) {
      event.preventDefault();
      advance({ override_reason: form.elements.override_reason.value },
              form.querySelector("button"));
      return;
    }
    handlers.forEach(function (pair) {
      if (form.matches(pair[0])) { event.preventDefault(); pair[1](form); }
    });
  });

  try {
    var flash = sessionStorage.getItem(FLASH);
    if (flash) { sessionStorage.removeItem(FLASH); window.WorkOS.notice(flash); }
  } catch (e) { /* storage unavailable */ }
})();
