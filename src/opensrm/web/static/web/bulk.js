// Bulk bar of the list pages: row checkboxes live in the swapped list results and belong to the
// bulk form by its id, so listeners are delegated on the document and survive HTMX swaps.
(function () {
  "use strict";
  function form() { return document.getElementById("bulk-form"); }
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input[data-bulk-row]")); }

  function refresh() {
    var f = form();
    if (!f) { return; }
    var checked = boxes().filter(function (b) { return b.checked; }).length;
    var count = f.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = checked ? count.dataset.bulkSome + " " + checked : count.dataset.bulkNone;
    }
    var all = document.querySelector("input[data-bulk-all]");
    if (all) {
      var total = boxes().length;
      all.checked = total > 0 && checked === total;
      all.indeterminate = checked > 0 && checked < total;
    }
    var action = f.querySelector("[data-bulk-action]");
    Array.prototype.forEach.call(f.querySelectorAll("[data-bulk-for]"), function (el) {
      el.hidden = !action || el.dataset.bulkFor !== action.value;
    });
  }

  document.addEventListener("change", function (event) {
    var t = event.target;
    if (t.matches && t.matches("input[data-bulk-all]")) {
      boxes().forEach(function (b) { b.checked = t.checked; });
    }
    if (t.matches && t.matches("input[data-bulk-all], input[data-bulk-row], [data-bulk-action]")) { refresh(); }
  });

  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (!f.matches || !f.matches("form[data-bulk-form]")) { return; }
    var action = f.querySelector("[data-bulk-action]");
    if (action && action.value === "delete" && !window.confirm(f.dataset.bulkConfirm)) { event.preventDefault(); }
  });

  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
  refresh();
})();
