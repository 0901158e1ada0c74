// Restore and permanent delete ask first, in the page's own dialog: the form carries the
// question (data-ask) and the confirming button's label (data-ask-confirm).
(function () {
  "use strict";
  var dialog = document.getElementById("recycle-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var question = dialog.querySelector("[data-question]");
  var confirm = dialog.querySelector("button[value=confirm]");
  var pending = null;

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-ask]");
    if (!form || form.dataset.confirmed === "yes") { return; }
    event.preventDefault();
    pending = form;
    question.textContent = form.dataset.ask;
    confirm.textContent = form.dataset.askConfirm || confirm.dataset.defaultLabel;
    confirm.classList.toggle("btn-danger", form.dataset.askDanger === "yes");
    dialog.showModal();
  });

  dialog.addEventListener("close", function () {
    var form = pending;
    pending = null;
    if (form && dialog.returnValue === "confirm") {
      form.dataset.confirmed = "yes";
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
})();
