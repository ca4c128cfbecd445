// Shared by every workspace page: JSON calls to our API with the session's CSRF token, a
// polite message area for results and refusals, and the CSRF header on htmx requests.
(function () {
  "use strict";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  var workspace = meta("workspace");

  function apiUrl(path) {
    return "/api/v1/workspaces/" + encodeURIComponent(workspace) + "/" + path.replace(/^\//, "");
  }

  // Resolves to {ok, status, data}; never throws on an HTTP error so callers can roll back
  // and show the server's message.
  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "X-CSRFToken": meta("csrf-token") };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (options.ifMatch !== undefined) headers["If-Match"] = String(options.ifMatch);
    return fetch(apiUrl(path), {
      method: options.method || "GET",
      credentials: "same-origin",
      headers: headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var body = type.indexOf("json") >= 0 ? response.json() : response.text();
      return body.then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }, function () {
      return { ok: false, status: 0, data: { detail: "The server could not be reached." } };
    });
  }

  // Field messages nest (e.g. {"values": {"due": ["Not a date."]}}): flatten to "values.due: …".
  function fieldLines(fields, prefix, out) {
    Object.keys(fields || {}).forEach(function (key) {
      var value = fields[key], path = prefix ? prefix + "." + key : key;
      if (Array.isArray(value)) {
        out.push(path + ": " + value.map(String).join(" "));
      } else if (value && typeof value === "object") {
        fieldLines(value, path, out);
      } else if (value !== undefined && value !== null) {
        out.push(path + ": " + String(value));
      }
    });
    return out;
  }

  function errorText(result) {
    var data = result.data || {};
    if (typeof data === "string") return data || "Something went wrong.";
    var text = data.message || data.detail || "";
    fieldLines(data.fields, "", []).forEach(function (line) {
      if (text.indexOf(line.split(": ").slice(1).join(": ")) < 0) text += " " + line;
    });
    return text.trim() || "Something went wrong (" + result.status + ").";
  }

  function notice(text, kind) {
    var area = document.getElementById("notices");
    if (!area) {
      area = document.createElement("div");
      area.id = "notices";
      area.setAttribute("role", "status");
      area.setAttribute("aria-live", "polite");
      document.body.appendChild(area);
    }
    var line = document.createElement("p");
    line.className = "notice " + (kind || "info");
    line.textContent = text;
    area.appendChild(line);
    setTimeout(function () { line.remove(); }, 6000);
  }

  // Status and label colours are the board's own settings, given as data-color (the pages
  // allow no style attributes) and applied through the CSSOM: --c (and --tint) the colour,
  // --on dark or white text, whichever contrasts more with it.
  var HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
  function luminance(hex) {
    var h = hex.length === 4 ? hex.replace(/#(.)(.)(.)/, "#$1$1$2$2$3$3") : hex;
    var rgb = [1, 3, 5].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function color(el, hex) {
    if (!HEX.test(hex || "")) {
      ["--c", "--tint", "--on"].forEach(function (name) { el.style.removeProperty(name); });
      return false;
    }
    var l = luminance(hex);
    el.style.setProperty("--c", hex);
    el.style.setProperty("--tint", hex);
    el.style.setProperty("--on", (l + 0.05) / (0.0137 + 0.05) > 1.05 / (l + 0.05) ? "#1d2330" : "#ffffff");
    return true;
  }
  function paint(root) {
    root = root || document;
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-color]:not(option)"));
    if (root.matches && root.matches("[data-color]:not(option)")) found.push(root);
    found.forEach(function (el) { color(el, el.getAttribute("data-color")); });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = meta("csrf-token");
  });

  window.WorkOS = { api: api, apiUrl: apiUrl, errorText: errorText, notice: notice,
                    workspace: workspace, meta: meta, color: color, paint: paint };
})();
