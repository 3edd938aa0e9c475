// Small behaviours shared by every page. Inline scripts and style attributes are forbidden by the
// CSP, so widths come from data attributes and are applied here.
(function () {
  "use strict";
  document.querySelectorAll("[data-width]").forEach(function (el) {
    var w = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(w)) { el.style.width = Math.max(0, Math.min(100, w)) + "%"; }
  });
  // Forms marked data-once can be submitted once: a double click records one attempt.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });
})();
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
