// Review screen: select a passage of the reply to put it into the next free comment slot.
(function () {
  "use strict";
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
