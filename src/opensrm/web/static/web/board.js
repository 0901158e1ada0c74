/* Opportunity board: drag a card to another column; the move is an HTMX POST.
   A drop onto Won asks for confirmation, a drop onto Lost for a reason (in-page dialogs: the CSP
   allows no inline script and window.confirm cannot be styled or translated). A refused move (a
   stale version, say) puts the card back and says why. */
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
      var shownCount = col.querySelector("[data-count]");
      var hidden = parseInt(col.dataset.hidden || "0", 10);
      shownCount.textContent = String(cards.length + hidden);
    });
  }

  ready(function () {
    var board = document.getElementById("board");
    if (!board || !window.Sortable || board.dataset.canWrite !== "true") { return; }
    var lostDialog = document.getElementById("lost-dialog");
    var lostReason = document.getElementById("lost-reason");
    var lostError = document.getElementById("lost-reason-error");
    var wonDialog = document.getElementById("won-dialog");
    var pending = null;

    function revert(move) {
      var ref = move.from.children[move.oldIndex] || null;
      move.from.insertBefore(move.card, ref);
      updateCounts();
    }

    function send(move, lostReasonText) {
      var card = move.card;
      card.classList.add("moving");
      var values = { stage: move.to.dataset.stage, version: card.dataset.version };
      if (lostReasonText) { values.lost_reason = lostReasonText; }
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

    function showLostError(show) {
      lostError.hidden = !show;
      lostReason.setAttribute("aria-invalid", show ? "true" : "false");
      lostReason.closest(".field").classList.toggle("has-error", show);
    }

    board.querySelectorAll(".cards").forEach(function (list) {
      Sortable.create(list, {
        // Pointer-event mode works the same with a mouse, a tablet and browser automation.
        group: "board", animation: 150, ghostClass: "sortable-ghost", draggable: ".card", forceFallback: true,
        // Dragging near the board's left or right edge scrolls it, so a column off-screen is reachable.
        scroll: board, scrollSensitivity: 90, scrollSpeed: 18, bubbleScroll: true,
        onEnd: function (evt) {
          if (evt.from === evt.to) { return; }
          var move = { card: evt.item, from: evt.from, to: evt.to, oldIndex: evt.oldIndex };
          updateCounts();
          if (evt.to.dataset.lost === "true") {
            pending = move;
            lostReason.value = "";
            showLostError(false);
            lostDialog.showModal();
          } else if (evt.to.dataset.won === "true") {
            pending = move;
            var text = wonDialog.querySelector("[data-won-text]");
            var name = move.card.querySelector(".name");
            text.textContent = text.dataset.template
              .replace("%(name)s", name ? name.textContent : "")
              .replace("%(stage)s", move.to.dataset.stageName);
            wonDialog.showModal();
          } else {
            send(move, "");
          }
        }
      });
    });

    // An empty reason keeps the dialog open and says so beside the field.
    lostDialog.querySelector("form").addEventListener("submit", function (evt) {
      var submitter = evt.submitter;
      if (submitter && submitter.value === "confirm" && !lostReason.value.trim()) {
        evt.preventDefault();
        showLostError(true);
        lostReason.focus();
      }
    });
    lostReason.addEventListener("input", function () {
      if (lostReason.value.trim()) { showLostError(false); }
    });

    function settle(dialog, withReason) {
      dialog.addEventListener("close", function () {
        if (!pending) { return; }
        var move = pending;
        pending = null;
        if (dialog.returnValue === "confirm") {
          send(move, withReason ? lostReason.value.trim() : "");
        } else {
          revert(move);
        }
        dialog.returnValue = "";
      });
    }
    settle(lostDialog, true);
    settle(wonDialog, false);
  });
})();
