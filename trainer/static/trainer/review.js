// Review screen: the running total while overriding, passage quotes from the selection (mouse or keyboard);
// while the form is open with our lock, renew the lock every two minutes (it lasts ten).
(function () {
  "use strict";
  var form = document.querySelector("form[data-lock-renew]");
  if (form) {
    setInterval(function () {
      var body = new FormData();
      body.append("op", "renew");
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      fetch(form.getAttribute("data-lock-renew"), {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" }
      }).then(function (response) { return response.json(); }).then(function (lock) {
        var until = document.querySelector("[data-testid='lock-until']");
        if (until && lock.held && lock.expires_at) {
          var d = new Date(lock.expires_at);
          until.textContent = (d.getHours() < 10 ? "0" : "") + d.getHours() + ":" + (d.getMinutes() < 10 ? "0" : "") + d.getMinutes();
        }
      }).catch(function () { /* the next renewal tries again; submitting retakes a free lock */ });
    }, 120000);
  }
  // The running total while overriding, by the rule the server totals with (quizzes.grading.reviewed_total:
  // the engine's credit curve, capped while a capping reason stands unticked). The server's total is final.
  var table = document.querySelector("[data-running-total]");
  if (table) {
    var box = document.querySelector("[data-testid='running-total-box']");
    var out = document.querySelector("[data-testid='running-total']");
    var scope = table.closest("form") || document;
    var number = function (name) { return parseFloat(table.getAttribute(name)); };
    var autoTotal = number("data-auto-total"), passMark = number("data-pass-mark");
    var exponent = number("data-credit-exponent"), cappedTotal = number("data-capped-total");
    var curve = function (earned, weight) {
      if (weight <= 0 || earned <= 0) { return 0; }
      return Math.max(0, Math.min(100, Math.floor(100 * Math.pow(Math.min(1, earned / weight), exponent) + 0.5)));
    };
    var update = function () {
      var sum = 0, weight = 0, ok = true, same = true, noneLower = true;
      table.querySelectorAll("input[data-points-max]").forEach(function (input) {
        var value = parseFloat(input.value), max = parseFloat(input.getAttribute("data-points-max"));
        var auto = parseFloat(input.closest("[data-auto-earned]").getAttribute("data-auto-earned"));
        if (isNaN(value) || value < 0 || value > max) { ok = false; return; }
        sum += value;
        weight += max;
        same = same && value === auto;
        noneLower = noneLower && value >= auto;
      });
      var caps = scope.querySelectorAll("input[data-cap-clear]"), cleared = 0;
      caps.forEach(function (input) { cleared += input.checked ? 1 : 0; });
      var total = curve(sum, weight);
      if (cleared < caps.length) { total = Math.max(0, Math.min(total, cappedTotal, passMark - 1)); }
      if (!isNaN(autoTotal) && cleared === 0 && same) { total = autoTotal; }
      else if (!isNaN(autoTotal) && noneLower) { total = Math.max(total, autoTotal); }
      out.textContent = ok ? String(total) : "–";
    };
    scope.addEventListener("input", update);
    scope.addEventListener("change", update);
    box.hidden = false;
    update();
  }
  // Passage comments: the quote is typed, pasted, or copied from the current selection of the reply
  // with the "引用选中文字" button (keyboard: select with Shift+arrows, Tab to the button, Enter).
  var reply = document.getElementById("review-reply");
  if (!reply) { return; }
  var lastSelection = "";
  var selectedInReply = function () {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return ""; }
    var range = selection.getRangeAt(0);
    if (!reply.contains(range.commonAncestorContainer)) { return ""; }
    return selection.toString();
  };
  document.addEventListener("selectionchange", function () {
    var text = selectedInReply();
    if (text.trim()) { lastSelection = text; }
  });
  document.querySelectorAll("[data-quote-button]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = (selectedInReply() || lastSelection).trim();
      var slot = document.querySelector("[data-quote-slot='" + button.getAttribute("data-quote-button") + "']");
      if (!text || !slot) { return; }
      slot.value = text.slice(0, 500);
      var note = document.querySelector("[data-passage-note='" + button.getAttribute("data-quote-button") + "']");
      if (note) { note.focus(); }
    });
  });
  reply.addEventListener("mouseup", function () {
    var text = selectedInReply().trim();
    if (!text) { return; }
    var slots = document.querySelectorAll("[data-quote-slot]");
    for (var i = 0; i < slots.length; i++) {
      if (!slots[i].value) {
        slots[i].value = text.slice(0, 500);
        var note = document.querySelector("[data-passage-note='" + slots[i].getAttribute("data-quote-slot") + "']");
        if (note) { note.focus(); }
        return;
      }
    }
  });
})();
