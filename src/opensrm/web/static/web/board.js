/* Opportunity board: drag a card to another column; the move is an HTMX POST.
   A refused move (a stale version, a lost deal without a reason) puts the card back and says why. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  var toastTimer = null;
  function toast(message, isError) {
    var el = document.getElementById("toast");
    el.textContent = message;
    el.className = "toast" + (isError ? " error" : "");
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, isError ? 8000 : 3000);
  }

  function updateCounts() {
    document.querySelectorAll(".column").forEach(function (col) {
      var cards = col.querySelectorAll(".card");
      var sum = 0;
      cards.forEach(function (c) { sum += parseFloat(c.dataset.amount || "0"); });
      var shownCount = col.querySelector("[data-count]");
      var hidden = parseInt(col.dataset.hidden || "0", 10);
      shownCount.textContent = String(cards.length + hidden);
    });
  }

  ready(function () {
    var board = document.getElementById("board");
    if (!board || !window.Sortable || board.dataset.canWrite !== "true") { return; }
    var dialog = document.getElementById("lost-dialog");
    var pending = null;

    function revert(move) {
      var ref = move.from.children[move.oldIndex] || null;
      move.from.insertBefore(move.card, ref);
      updateCounts();
    }

    function send(move, lostReason) {
      var card = move.card;
      card.classList.add("moving");
      var values = { stage: move.to.dataset.stage, version: card.dataset.version };
      if (lostReason) { values.lost_reason = lostReason; }
      var handler = function (evt) {
        if (evt.detail.elt !== card) { return; }
        card.removeEventListener("htmx:afterRequest", handler);
        card.classList.remove("moving");
        var xhr = evt.detail.xhr;
        if (evt.detail.successful) {
          toast(board.dataset.movedMessage.replace("%s", move.to.dataset.stageName), false);
        } else {
          revert(move);
          toast(xhr && xhr.responseText ? xhr.responseText : board.dataset.failedMessage, true);
        }
      };
      card.addEventListener("htmx:afterRequest", handler);
      htmx.ajax("POST", card.dataset.moveUrl, {
        source: card, target: card, swap: "outerHTML", values: values,
        headers: { "X-CSRFToken": window.opensrm.csrfToken() }
      });
    }

    board.querySelectorAll(".cards").forEach(function (list) {
      Sortable.create(list, {
        // Pointer-event mode works the same with a mouse, a tablet and browser automation.
        group: "board", animation: 150, ghostClass: "sortable-ghost", draggable: ".card", forceFallback: true,
        onEnd: function (evt) {
          if (evt.from === evt.to) { return; }
          var move = { card: evt.item, from: evt.from, to: evt.to, oldIndex: evt.oldIndex };
          updateCounts();
          if (evt.to.dataset.lost === "true") {
            pending = move;
            dialog.querySelector("textarea").value = "";
            dialog.showModal();
          } else {
            send(move, "");
          }
        }
      });
    });

    dialog.addEventListener("close", function () {
      if (!pending) { return; }
      var move = pending;
      pending = null;
      var reason = dialog.querySelector("textarea").value.trim();
      if (dialog.returnValue === "confirm") {
        send(move, reason);
      } else {
        revert(move);
      }
    });
  });
})();
