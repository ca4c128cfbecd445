// The Kanban page. A card changes lane and order by drag and drop (SortableJS) or through its
// "Move to…" menu; either way the new place is shown at once and saved through the items API,
// and put back with the server's message when the move is refused. A lane at its WIP limit
// refuses cards. Every few seconds the page asks which items changed and redraws those cards.
(function () {
  "use strict";

  var board = document.getElementById("kanban");
  if (!board || !window.WorkOS) return;
  var W = window.WorkOS;
  var byKind = board.dataset.byKind;  // status, group or column
  var columnKey = board.dataset.columnKey;
  var cardsUrl = board.dataset.cardsUrl;
  var since = board.dataset.since;
  var POLL_MS = 5000;
  var busy = 0;  // saves in flight: polling waits for them
  var dragging = false;
  var menu = null;

  function lanes() { return Array.prototype.slice.call(board.querySelectorAll(".kb-lane")); }
  function laneOf(el) { return el.closest(".kb-lane"); }
  function laneByKey(key) {
    return board.querySelector('.kb-lane[data-lane="' + CSS.escape(String(key)) + '"]');
  }
  function laneName(lane) { return lane.querySelector(".kb-lane-name").textContent.trim(); }
  function laneValue(lane) {
    var key = lane.dataset.lane;
    if (key === "none") return null;
    return byKind === "column" ? key : Number(key);
  }
  function wip(lane) { return lane.dataset.wip ? Number(lane.dataset.wip) : null; }
  function count(lane) { return Number(lane.dataset.count); }
  function isFull(lane) { var limit = wip(lane); return limit !== null && count(lane) >= limit; }
  function cardById(id) { return board.querySelector('.kb-card[data-id="' + Number(id) + '"]'); }
  function cardName(card) { return "“" + card.dataset.name + "”"; }

  function setCount(lane, n) {
    var limit = wip(lane);
    lane.dataset.count = String(n);
    lane.querySelector(".kb-count").textContent = limit !== null ? n + " / " + limit : String(n);
    lane.classList.toggle("is-full", isFull(lane));
    lane.querySelector(".kb-full").hidden = !isFull(lane);
  }

  function paint(root) { window.WorkOS.paint(root); }

  function toElement(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var el = template.content.firstElementChild;
    paint(el);
    return el;
  }

  function query(params) { return new URLSearchParams(params).toString(); }

  function fetchCards(params) {
    return fetch(cardsUrl + "?" + query(params), {
      credentials: "same-origin", headers: { "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) return data;
        W.notice(data.message || "The cards could not be loaded.", "error");
        return null;
      });
    }).catch(function () { return null; });
  }

  function refusal(lane) {
    return "“" + laneName(lane) + "” is at its WIP limit (" + count(lane) + " / " + wip(lane) +
      "). Finish or move a card out of it first.";
  }

  function flash(el, name) {
    el.classList.remove(name);
    void el.offsetWidth;  // restart the animation
    el.classList.add(name);
  }

  // A function that puts the card back where it is now.
  function restorer(card) {
    var list = card.parentNode, next = card.nextElementSibling;
    return function () { list.insertBefore(card, next && next.parentNode === list ? next : null); };
  }

  function adopt(card, item) {
    if (!item) return;
    if (item.version !== undefined) card.dataset.version = String(item.version);
    if (item.position) card.dataset.position = item.position;
    if (item.group !== undefined && item.group !== null) card.dataset.group = String(item.group);
  }

  function move(card, body) {
    return W.api("items/" + card.dataset.id + "/move/",
                 { method: "POST", body: body, ifMatch: card.dataset.version });
  }

  // Status and group lanes: one move names the lane and the neighbour the card now sits by.
  function saveMove(card, toLane) {
    var body = {}, next = card.nextElementSibling, prev = card.previousElementSibling;
    body[byKind] = laneValue(toLane);
    if (next) body.before = Number(next.dataset.id);
    else if (prev) body.after = Number(prev.dataset.id);
    return move(card, body);
  }

  // A card's order is kept among the cards of its group, so a lane of column values orders
  // it next to the nearest card of the same group.
  function sameGroupNeighbour(card) {
    var el, group = card.dataset.group;
    for (el = card.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.dataset.group === group) return { before: Number(el.dataset.id) };
    }
    for (el = card.previousElementSibling; el; el = el.previousElementSibling) {
      if (el.dataset.group === group) return { after: Number(el.dataset.id) };
    }
    return null;
  }

  // Column lanes: the value changes with a PATCH, then the order with a move.
  function saveValue(card, toLane, crossing) {
    var first = Promise.resolve({ ok: true, data: null });
    if (crossing) {
      var values = {};
      values[columnKey] = laneValue(toLane);
      first = W.api("items/" + card.dataset.id + "/",
                    { method: "PATCH", body: { values: values }, ifMatch: card.dataset.version });
    }
    return first.then(function (result) {
      if (!result.ok) return result;
      adopt(card, result.data);
      var order = sameGroupNeighbour(card);
      if (!order) return result;
      return move(card, order).then(function (moved) {
        if (moved.ok || !crossing) return moved;
        W.notice("The value was saved but not the order: " + W.errorText(moved), "error");
        return result;
      });
    });
  }

  // Saves the place a card is now shown at; puts it back when refused.
  function save(card, fromLane, toLane, restore) {
    var crossing = fromLane !== toLane;
    if (crossing && isFull(toLane)) {
      restore();
      W.notice(refusal(toLane), "error");
      flash(toLane, "refused");
      return Promise.resolve(false);
    }
    if (crossing) {
      setCount(fromLane, count(fromLane) - 1);
      setCount(toLane, count(toLane) + 1);
    }
    card.classList.add("is-saving");
    card.setAttribute("aria-busy", "true");
    busy += 1;
    var request = byKind === "column" ? saveValue(card, toLane, crossing) : saveMove(card, toLane);
    return request.then(function (result) {
      busy -= 1;
      card.classList.remove("is-saving");
      card.removeAttribute("aria-busy");
      if (result.ok) {
        adopt(card, result.data);
        W.notice(cardName(card) + (crossing ? " moved to " + laneName(toLane) + "." : " reordered."));
        return true;
      }
      restore();
      if (crossing) {
        setCount(fromLane, count(fromLane) + 1);
        setCount(toLane, count(toLane) - 1);
      }
      flash(card, "refused");
      if (result.status === 412) {
        W.notice("Someone changed " + cardName(card) + " meanwhile; the card now shows their " +
                 "change. Move it again if you still want to.", "error");
        refresh([card.dataset.id]);
      } else {
        W.notice(W.errorText(result), "error");
      }
      return false;
    });
  }

  // --- drag and drop ---------------------------------------------------------------------
  if (board.dataset.editable === "1" && window.Sortable) {
    board.querySelectorAll(".kb-cards").forEach(function (list) {
      window.Sortable.create(list, {
        group: "kanban", animation: 150, filter: ".kb-move, .is-locked", preventOnFilter: false,
        ghostClass: "is-ghost", chosenClass: "is-chosen",
        onStart: function (evt) {
          dragging = true;
          closeMenu();
          var from = laneOf(evt.from);
          lanes().forEach(function (lane) {
            lane.classList.toggle("refuses-drop", lane !== from && isFull(lane));
          });
        },
        onEnd: function (evt) {
          dragging = false;
          lanes().forEach(function (lane) { lane.classList.remove("refuses-drop"); });
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
          var card = evt.item, from = evt.from, oldIndex = evt.oldIndex;
          save(card, laneOf(evt.from), laneOf(evt.to), function () {
            card.remove();
            from.insertBefore(card, from.children[oldIndex] || null);
          });
        },
      });
    });
  }

  // --- "Move to…": the keyboard's way to move a card ----------------------------------------
  function closeMenu(refocus) {
    if (!menu) return;
    var opener = menu.opener;
    menu.remove();
    menu = null;
    if (refocus && opener && document.contains(opener)) opener.focus();
  }

  function focusCard(card) {
    var button = card.querySelector(".kb-move");
    if (button) button.focus();
  }

  function menuButton(list, label, action) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    if (action) button.addEventListener("click", action);
    else button.disabled = true;
    item.appendChild(button);
    list.appendChild(item);
  }

  function moveToLane(card, target) {
    var restore = restorer(card), from = laneOf(card);
    var list = target.querySelector(".kb-cards");
    closeMenu();
    list.insertBefore(card, list.firstElementChild);
    save(card, from, target, restore).then(function () { focusCard(card); });
  }

  function moveStep(card, step) {
    var restore = restorer(card);
    var sibling = step < 0 ? card.previousElementSibling : card.nextElementSibling;
    closeMenu();
    card.parentNode.insertBefore(card, step < 0 ? sibling : sibling.nextElementSibling);
    save(card, laneOf(card), laneOf(card), restore).then(function () { focusCard(card); });
  }

  function openMenu(opener) {
    closeMenu();
    var card = opener.closest(".kb-card"), here = laneOf(card);
    menu = document.createElement("div");
    menu.className = "kb-menu";
    menu.setAttribute("role", "dialog");
    menu.setAttribute("aria-label", "Move " + cardName(card));
    menu.opener = opener;
    var title = document.createElement("p");
    title.className = "kb-menu-title";
    title.textContent = "Move " + cardName(card);
    menu.appendChild(title);
    var list = document.createElement("ul");
    menuButton(list, "↑ Up", card.previousElementSibling ? function () { moveStep(card, -1); } : null);
    menuButton(list, "↓ Down", card.nextElementSibling ? function () { moveStep(card, 1); } : null);
    lanes().forEach(function (lane) {
      var label = "To " + laneName(lane) + (lane === here ? " (here)" : isFull(lane) ? " (full)" : "");
      menuButton(list, label, lane === here ? null : function () { moveToLane(card, lane); });
    });
    menuButton(list, "Cancel", function () { closeMenu(true); });
    menu.appendChild(list);
    document.body.appendChild(menu);
    var box = opener.getBoundingClientRect();
    menu.style.top = (window.scrollY + box.bottom + 4) + "px";
    menu.style.left = Math.max(8, Math.min(window.scrollX + box.left,
      window.scrollX + document.documentElement.clientWidth - menu.offsetWidth - 8)) + "px";
    var first = menu.querySelector("button:not([disabled])");
    if (first) first.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (!menu) return;
    if (event.key === "Escape") { event.preventDefault(); closeMenu(true); return; }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var buttons = Array.prototype.slice.call(menu.querySelectorAll("button:not([disabled])"));
    var at = buttons.indexOf(document.activeElement);
    var next = buttons[(at + (event.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length];
    if (next) { event.preventDefault(); next.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (menu && !menu.contains(event.target) && !event.target.closest(".kb-move")) closeMenu();
  });
  document.addEventListener("focusin", function (event) {
    if (menu && !menu.contains(event.target)) closeMenu();
  });

  // --- more cards, and cards changed by others -----------------------------------------------
  function loadMore(button) {
    var lane = laneOf(button);
    button.disabled = true;
    fetchCards({ by: board.dataset.by, lane: lane.dataset.lane, cursor: button.dataset.cursor })
      .then(function (data) {
        if (!data) { button.disabled = false; return; }
        var list = lane.querySelector(".kb-cards");
        data.cards.forEach(function (c) { if (!cardById(c.id)) list.appendChild(toElement(c.html)); });
        if (data.next) { button.dataset.cursor = data.next; button.disabled = false; }
        else button.remove();
      });
  }

  board.addEventListener("click", function (event) {
    var opener = event.target.closest(".kb-move");
    if (opener) { if (menu && menu.opener === opener) closeMenu(true); else openMenu(opener); return; }
    var more = event.target.closest(".kb-more");
    if (more) loadMore(more);
  });

  function sortsBefore(c, el) {
    var position = el.dataset.position;
    return c.position < position || (c.position === position && c.id < Number(el.dataset.id));
  }

  // Draws a card where the server says it is now, in its lane's order.
  function place(c) {
    var old = cardById(c.id), lane = laneByKey(c.lane);
    var hadFocus = old && old.contains(document.activeElement);
    if (old) old.remove();
    if (!lane) return false;
    var list = lane.querySelector(".kb-cards"), ref = null;
    for (var i = 0; i < list.children.length; i++) {
      if (sortsBefore(c, list.children[i])) { ref = list.children[i]; break; }
    }
    if (!ref && lane.querySelector(".kb-more")) return true;  // among the cards not loaded yet
    var el = toElement(c.html);
    list.insertBefore(el, ref);
    flash(el, "is-updated");
    if (hadFocus) focusCard(el);
    return true;
  }

  function refresh(ids) {
    return fetchCards({ by: board.dataset.by, ids: ids.join(",") }).then(function (data) {
      if (!data) return;
      var seen = {}, unknownLane = false;
      data.cards.forEach(function (c) { seen[c.id] = true; if (!place(c)) unknownLane = true; });
      ids.forEach(function (id) {
        var gone = !seen[id] && cardById(id);
        if (gone) gone.remove();  // archived, or moved to another board
      });
      data.lanes.forEach(function (l) {
        var lane = laneByKey(l.key);
        if (lane) setCount(lane, l.count); else unknownLane = true;
      });
      if (unknownLane) W.notice("This board's columns changed; reload the page to see them all.");
    });
  }

  function poll() {
    if (document.hidden || dragging || busy || menu) { setTimeout(poll, POLL_MS); return; }
    W.api("items/changes/?" + query({ since: since })).then(function (changes) {
      if (!changes.ok) return null;
      var gone = (changes.data.archived || []).concat(changes.data.deleted || []);
      return W.api("items/?" + query({ board: board.dataset.board, updated_after: since,
                                       page_size: 200 })).then(function (changed) {
        if (!changed.ok) return null;
        since = changes.data.until;
        var ids = changed.data.results.map(function (row) { return row.id; });
        gone.forEach(function (id) { var el = cardById(id); if (el) el.remove(); });
        if (changed.data.next) W.notice("Many cards changed; reload the page to see them all.");
        if (ids.length || gone.length) return refresh(ids);
        return null;
      });
    }).then(function () { setTimeout(poll, POLL_MS); }, function () { setTimeout(poll, POLL_MS); });
  }

  // Choosing another layout shows it at once; the form's button serves pages without script.
  var layout = document.getElementById("kanban-by");
  if (layout) layout.addEventListener("change", function () { layout.form.submit(); });

  paint(board);
  setTimeout(poll, POLL_MS);
})();
