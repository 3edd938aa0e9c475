// Review screen: select a passage of the reply to put it into the next free comment slot; while
// the form is open with our lock, renew the lock every two minutes (it lasts ten).
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
  var reply = document.getElementById("review-reply");
  if (!reply) { return; }
  reply.addEventListener("mouseup", function () {
    var text = window.getSelection ? window.getSelection().toString().trim() : "";
    if (!text) { return; }
    var slots = document.querySelectorAll("[data-quote-slot]");
    for (var i = 0; i < slots.length; i++) {
      if (!slots[i].value) {
        slots[i].value = text.slice(0, 500);
        var note = slots[i].closest("[data-passage-row]").querySelector("input:not([data-quote-slot])");
        if (note) { note.focus(); }
        return;
      }
    }
  });
  document.querySelectorAll("[data-quote-slot]").forEach(function (slot) {
    slot.addEventListener("dblclick", function () { slot.value = ""; });
  });
})();
