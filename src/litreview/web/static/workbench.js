// litreview workbench: keyboard screening. Plain script, no library, nothing from the network.
// i include, e exclude, m maybe, r not retrieved (full text), u undo, n note, arrows move.
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var key = event.key;
    if (key === "ArrowRight") { if (click('[data-nav="next"]')) event.preventDefault(); return; }
    if (key === "ArrowLeft") { if (click('[data-nav="previous"]')) event.preventDefault(); return; }
    if (key === "u") { event.preventDefault(); var undo = document.getElementById("undo-form"); if (undo) undo.requestSubmit(); return; }
    if (key === "n") {
      var note = document.querySelector('[data-testid="note"]');
      if (note) { event.preventDefault(); note.focus(); }
      return;
    }
    var button = document.querySelector('button[data-key="' + key + '"]');
    if (!button) return;
    event.preventDefault();
    var picker = document.querySelector('[data-testid="reason-picker"]');
    if (picker && picker.getAttribute("data-required-for") === button.value && !picker.value) {
      picker.focus();
      picker.classList.add("wanted");
      return;  // a full-text exclusion needs a reason: choose one, then press the key again
    }
    button.click();
  });
  // a double press must not post twice: the first submit disables the buttons
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
