/* Calendar: drag an activity to another day (month view, keeping its time of day) or hour slot
   (week and day views); the move is an HTMX POST to its reschedule URL. A refused move (a stale version, another team's
   record) puts the item back and says why. Without JavaScript, the pencil link opens the form. */
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

  ready(function () {
    var cal = document.getElementById("calendar");
    if (!cal || !window.Sortable || cal.dataset.canWrite !== "true") { return; }

    function send(move) {
      var item = move.item;
      item.classList.add("moving");
      var handler = function (evt) {
        if (evt.detail.elt !== item) { return; }
        item.removeEventListener("htmx:afterRequest", handler);
        item.classList.remove("moving");
        var xhr = evt.detail.xhr;
        if (evt.detail.successful) {
          toast(cal.dataset.movedMessage.replace("%s", move.to.dataset.dateLabel), false);
        } else {
          move.from.insertBefore(item, move.from.children[move.oldIndex] || null);
          toast(xhr && xhr.responseText ? xhr.responseText : cal.dataset.failedMessage, true);
        }
      };
      item.addEventListener("htmx:afterRequest", handler);
      var values = { version: item.dataset.version, mine: cal.dataset.mine };
      if (move.to.dataset.hour) {
        // A time slot of the week or day view: that hour, the same minutes past it.
        var hour = ("0" + move.to.dataset.hour).slice(-2);
        values.due_at = move.to.dataset.date + "T" + hour + ":" + (item.dataset.minute || "00");
      } else {
        values.date = move.to.dataset.date;
      }
      htmx.ajax("POST", item.dataset.rescheduleUrl, {
        source: item, target: item, swap: "outerHTML",
        values: values,
        headers: { "X-CSRFToken": window.opensrm.csrfToken() }
      });
    }

    cal.querySelectorAll(".cal-day-body:not(.slots), .cal-slot").forEach(function (list) {
      Sortable.create(list, {
        // Pointer-event mode works the same with a mouse, a tablet and browser automation.
        group: "calendar", animation: 150, ghostClass: "sortable-ghost", forceFallback: true,
        draggable: ".cal-item[data-reschedule-url]", filter: "form, button", preventOnFilter: false,
        onEnd: function (evt) {
          if (evt.to === evt.from) { return; }
          send({ item: evt.item, from: evt.from, to: evt.to, oldIndex: evt.oldIndex });
        }
      });
    });
  });
})();
