/* OpenSRM pages: small behaviours, attached by delegation (the CSP forbids inline scripts). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  window.opensrm = { csrfToken: csrfToken };

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      document.body.classList.toggle("nav-open");
      return;
    }
    // Lookup widget: picking an option fills the hidden id and the visible label.
    var option = event.target.closest(".lookup-option");
    if (option) {
      var box = option.closest("[data-lookup]");
      box.querySelector("input[type=hidden]").value = option.dataset.value;
      box.querySelector(".lookup-text").value = option.dataset.label;
      box.querySelector(".lookup-options").innerHTML = "";
      return;
    }
    // Clicking outside closes dropdowns.
    document.querySelectorAll(".lookup-options, #search-dropdown").forEach(function (el) {
      if (!el.parentElement.contains(event.target)) { el.innerHTML = ""; }
    });
    document.querySelectorAll("details.menu[open]").forEach(function (el) {
      if (!el.contains(event.target)) { el.removeAttribute("open"); }
    });
    if (document.body.classList.contains("nav-open") && !event.target.closest(".sidebar")) {
      document.body.classList.remove("nav-open");
    }
  });

  document.addEventListener("input", function (event) {
    var text = event.target.closest(".lookup-text");
    if (text && text.value === "") {
      text.closest("[data-lookup]").querySelector("input[type=hidden]").value = "";
    }
  });

  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) { el.form.requestSubmit(); }
  });

  document.addEventListener("submit", function (event) {
    // A saved view keeps the filters as they are now, after any HTMX filtering pushed the URL.
    var qs = event.target.querySelector("[data-current-querystring]");
    if (qs) { qs.value = window.location.search.replace(/^\?/, ""); }
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });

  // Global search: Enter opens the results page (or the record picked with the arrow keys),
  // never anything the typeahead request still pending might do to the page being left.
  document.addEventListener("keydown", function (event) {
    var box = event.target.closest(".search");
    if (!box || !box.querySelector("#search-dropdown")) { return; }
    var input = box.querySelector("#global-search");
    var links = Array.prototype.slice.call(box.querySelectorAll("#search-dropdown a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!links.length) { return; }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = at + step;
      if (next < 0) { input.focus(); return; }
      links[Math.min(next, links.length - 1)].focus();
    } else if (event.key === "Enter" && event.target === input) {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(input, "htmx:abort"); }
      if (input.value.trim()) { box.submit(); }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll(".lookup-options, #search-dropdown").forEach(function (el) { el.innerHTML = ""; });
    }
    if (event.key === "/" && !event.target.closest("input, textarea, select")) {
      var search = document.getElementById("global-search");
      if (search) { event.preventDefault(); search.focus(); }
    }
  });
})();
