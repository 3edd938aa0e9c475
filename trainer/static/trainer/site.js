// Interface text for scripts, in the page's language: a JSON block written by the base layout
// ({% script_strings %}). siteText("time_left", {time: "4:59"}) fills the %(name)s placeholders.
window.siteText = (function () {
  "use strict";
  var source = document.getElementById("script-strings");
  var strings = source ? JSON.parse(source.textContent) : {};
  return function (key, values) {
    var text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  };
})();
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
