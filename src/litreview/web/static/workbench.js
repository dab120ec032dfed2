// litreview workbench: keyboard screening. Plain script, no library, nothing from the network.
// i include, e exclude, m maybe, r not retrieved (full text), u undo, n note, arrows move;
// 1-9 pick the exclusion reason shown beside that number, o an "other: ..." reason typed in a box.
// "Not retrieved" takes only typed words (why the report could not be obtained), never an exclusion reason.
// Keys work wherever the focus is (a button, the reason list), except while typing in a text field.
(function () {
  "use strict";
  var TEXT_INPUTS = { text: 1, search: 1, password: 1, email: 1, number: 1, url: 1, tel: 1 };
  function typing(target) {
    if (!target) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
    return target.tagName === "INPUT" && TEXT_INPUTS[(target.type || "text").toLowerCase()] === 1;
  }
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  function picker() { return document.querySelector('[data-testid="reason-picker"]'); }
  function otherBox() { return document.querySelector('[data-testid="reason-other-text"]'); }
  var pending = null;  // the exclusion waiting for a reason (a full-text exclusion needs one)

  function mark(chosen) {
    var buttons = document.querySelectorAll("[data-reason-key]");
    for (var k = 0; k < buttons.length; k++) {
      buttons[k].classList.toggle("chosen", buttons[k] === chosen);
      buttons[k].setAttribute("aria-pressed", buttons[k] === chosen ? "true" : "false");
    }
    var list = document.querySelector(".reasons");
    if (list) list.classList.remove("wanted");
  }
  function openBox(placeholder) {
    var select = picker(), box = otherBox();
    if (select) select.value = "";
    mark(document.querySelector('[data-reason-key="o"]'));
    if (box) { box.placeholder = placeholder; box.hidden = false; box.focus(); }
  }
  function notRetrieved(button) { return button && button.value === "not_retrieved"; }
  function chooseReason(button) {
    var select = picker(), box = otherBox();
    if (!select) return;
    if (button.getAttribute("data-reason-key") === "o") {
      openBox(notRetrieved(pending) ? box.getAttribute("data-why") : box.getAttribute("data-other"));
      return;  // Enter in the box makes the decision waiting for words (not retrieved), else excludes with "other: <text>"
    }
    select.value = button.getAttribute("data-reason");
    if (box) { box.value = ""; box.hidden = true; }
    mark(button);
    if (notRetrieved(pending)) pending = null;  // an exclusion reason is not why a report was not obtained
    if (pending) { var waiting = pending; pending = null; waiting.click(); }
  }
  function hasReason(decision) {
    var select = picker(), box = otherBox();
    if (decision === "not_retrieved") return box && box.value.trim();
    return (select && select.value) || (box && box.value.trim());
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-reason-key]");
    if (button) { event.preventDefault(); chooseReason(button); return; }
    // "not retrieved" pressed (key r or the mouse) with no words typed: ask for them, post nothing yet
    var decision = event.target.closest && event.target.closest('#decide-form button[name="decision"]');
    if (notRetrieved(decision) && !hasReason("not_retrieved")) {
      event.preventDefault();
      pending = decision;
      openBox(otherBox().getAttribute("data-why"));
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target === picker()) {  // chosen with the mouse: the numbered list shows the same
      var same = document.querySelector('[data-reason="' + CSS.escape(event.target.value) + '"]');
      mark(same);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var box = otherBox();
    if (box && event.target === box) {
      if (event.key === "Enter") {  // the other reason typed: the decision waiting for it, else exclude
        event.preventDefault();
        if (box.value.trim()) {
          if (pending) { var waiting = pending; pending = null; waiting.click(); }
          else click('button[name="decision"][value="exclude"]');
        }
      } else if (event.key === "Escape") {
        box.value = ""; box.hidden = true; box.blur(); mark(null); pending = null;
      }
      return;
    }
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
    var reason = document.querySelector('[data-reason-key="' + CSS.escape(key) + '"]');
    if (reason) { event.preventDefault(); chooseReason(reason); return; }
    var button = document.querySelector('button[data-key="' + CSS.escape(key) + '"]');
    if (!button) return;
    event.preventDefault();
    var select = picker();
    if (select && button.value === "include") { select.value = ""; if (box) box.value = ""; }  // reasons are for exclusions
    var needs = select ? (select.getAttribute("data-required-for") || "").split(" ") : [];
    if (needs.indexOf(button.value) >= 0 && !notRetrieved(button) && !hasReason(button.value)) {
      pending = button;  // an exclusion at full text needs a reason: the next number (or o)
      var list = document.querySelector(".reasons");
      if (list) list.classList.add("wanted");
      return;
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
