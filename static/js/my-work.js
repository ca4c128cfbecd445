// The workspace home: the running timer's clock and its Stop button, notifications marked
// read (one or all), and status colours; also paints the search page's pills. Writes go
// through the REST API; a refusal leaves the page as it was and says why.
(function () {
  "use strict";
  var W = window.WorkOS;
  if (!W) return;

  W.paint(document);

  // --- the timer -------------------------------------------------------------------------
  function clock(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h + ":" + (m < 10 ? "0" : "") + m;
  }
  function tick() {
    document.querySelectorAll(".mw-timer .elapsed[data-started]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-started"));
      if (isNaN(started)) return;
      var minutes = Math.max(0, Math.floor((Date.now() - started) / 60000));
      el.textContent = clock(minutes);
      el.setAttribute("aria-label", minutes + " minutes");
    });
  }
  tick();
  setInterval(tick, 15000);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "timer-stop" && button.closest("#mw-timer")) stopTimer(button);
    else if (action === "read-one") markRead(button, [Number(button.closest(".mw-note").dataset.id)]);
    else if (action === "read-all") markRead(button, null);
  });

  function stopTimer(button) {
    button.disabled = true;
    W.api("timer/stop/", { method: "POST" }).then(function (result) {
      if (!result.ok) {
        button.disabled = false;
        W.notice(W.errorText(result), "error");
        return;
      }
      var minutes = (result.data.entries || []).reduce(function (sum, e) {
        return sum + (e.duration_minutes || 0);
      }, 0);
      var state = document.querySelector("#mw-timer .timer-state");
      state.textContent = "";
      var line = document.createElement("p");
      line.className = "muted";
      line.textContent = minutes ? "Stopped: " + clock(minutes) + " logged." :
        "Stopped within its first minute: nothing logged.";
      state.appendChild(line);
      W.notice(line.textContent);
    });
  }

  // --- notifications -----------------------------------------------------------------------
  function markRead(button, ids) {
    button.disabled = true;
    var body = ids ? { ids: ids } : {};
    W.api("notifications/read/", { method: "POST", body: body }).then(function (result) {
      if (!result.ok) {
        button.disabled = false;
        W.notice(W.errorText(result), "error");
        return;
      }
      var card = document.getElementById("mw-notifications");
      var notes = ids ? ids.map(function (id) {
        return card.querySelector('.mw-note[data-id="' + id + '"]');
      }) : Array.prototype.slice.call(card.querySelectorAll(".mw-note.unread"));
      notes.forEach(function (note) {
        if (!note) return;
        note.classList.remove("unread");
        var mark = note.querySelector(".mark-read");
        if (mark) mark.remove();
      });
      // The pressed button is gone: keep the keyboard where it was.
      if (ids && notes[0]) {
        var link = notes[0].querySelector("a");
        if (link) link.focus();
      }
      var unread = ids ? Math.max(0, Number(card.dataset.unread) - result.data.marked) : 0;
      card.dataset.unread = unread;
      var badge = card.querySelector(".unread-count");
      badge.textContent = unread + " unread";
      badge.hidden = unread === 0;
      if (unread === 0) {
        var all = card.querySelector('[data-action="read-all"]');
        if (all) all.remove();
        var heading = card.querySelector("h2");
        if (heading) heading.setAttribute("tabindex", "-1");
        if (heading && !ids) heading.focus();
      }
      W.notice(result.data.marked === 1 ? "Marked read." : result.data.marked + " notifications marked read.");
    });
  }
})();
