// Reply pages: timing, character counter, drafts that survive errors and expired sessions,
// server autosave for quizzes and exams, and the exam countdown. No inline script (CSP).
(function () {
  "use strict";
  var shownAt = performance.now();
  var storage = null;
  try { storage = window.localStorage; } catch (e) { storage = null; }

  function elapsed() { return Math.round(performance.now() - shownAt); }

  // Drafts in the browser: restored into empty fields, cleared when a result page is shown.
  document.querySelectorAll("[data-clear-drafts]").forEach(function (el) {
    var prefix = "draft:" + el.getAttribute("data-clear-drafts");
    if (!storage || prefix === "draft:") { return; }
    Object.keys(storage).forEach(function (k) { if (k.indexOf(prefix + ":") === 0) { storage.removeItem(k); } });
  });

  document.querySelectorAll("form[data-timing]").forEach(function (form) {
    var key = form.getAttribute("data-draft-key");
    form.querySelectorAll("textarea").forEach(function (area) {
      var storeKey = key ? "draft:" + key + ":" + area.name : null;
      if (storeKey && storage && !area.value && storage.getItem(storeKey)) {
        area.value = storage.getItem(storeKey);
      }
      var firstField = form.querySelector("[name='first_keystroke_ms']") ||
        form.querySelector("[name='first_" + area.name.replace("reply_", "") + "']");
      // Characters that arrive by paste (white space not counted): advisory, the scorer may flag the reply.
      var pastedField = form.querySelector("[name='pasted_chars']") ||
        form.querySelector("[name='pasted_" + area.name.replace("reply_", "") + "']");
      area.addEventListener("paste", function (event) {
        if (!pastedField || !event.clipboardData) { return; }
        var pasted = (event.clipboardData.getData("text") || "").replace(/\s/g, "").length;
        pastedField.value = String((parseInt(pastedField.value || "0", 10) || 0) + pasted);
      });
      area.addEventListener("input", function () {
        if (firstField && !firstField.value) { firstField.value = elapsed(); }
        if (storeKey && storage) { storage.setItem(storeKey, area.value); }
        form.dataset.dirty = "1";
      });
    });
    form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
      input.addEventListener("change", function () {
        var id = input.name.replace("choice_", "");
        var first = form.querySelector("[name='first_keystroke_ms']") || form.querySelector("[name='first_" + id + "']");
        if (first && !first.value) { first.value = elapsed(); }
        form.dataset.dirty = "1";
      });
    });
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[type=hidden][name^='submit']").forEach(function (f) { f.value = elapsed(); });
    });
  });

  // Live character counter under a reply box.
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var area = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!area) { return; }
    var update = function () { counter.textContent = siteText("chars", { n: area.value.replace(/\s/g, "").length }); };
    area.addEventListener("input", update);
    update();
  });

  // Server autosave every 5 seconds while something changed. Each save is numbered after the
  // newest one the server holds (data-draft-seq), so a save that arrives late never replaces a newer one.
  var form = document.querySelector("form[data-autosave]");
  var status = document.querySelector("[data-testid='autosave-status']");
  var seq = form ? parseInt(form.getAttribute("data-draft-seq") || "0", 10) || 0 : 0;
  function autosave() {
    if (!form || form.dataset.dirty !== "1" || form.dataset.closed === "1") { return; }
    form.dataset.dirty = "0";
    var body = new FormData(form);
    seq += 1;
    body.append("seq", String(seq));
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!status) { return; }
      if (response.ok) {
        status.textContent = siteText("autosaved", { time: new Date().toLocaleTimeString() });
      } else if (response.status === 409) {
        status.textContent = siteText("time_up");
        form.dataset.closed = "1";
      } else {
        status.textContent = siteText("autosave_failed");
      }
    }).catch(function () {
      if (status) { status.textContent = siteText("offline"); }
      form.dataset.dirty = "1";
    });
  }
  if (form) { setInterval(autosave, 5000); }

  // Countdown; at zero the page submits itself. The server enforces the deadline either way.
  var timer = document.querySelector("[data-deadline]");
  if (timer) {
    var deadline = new Date(timer.getAttribute("data-deadline")).getTime();
    var submitted = false;
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = siteText("time_left", { time: m + ":" + (s < 10 ? "0" : "") + s });
      if (left <= 60) { timer.classList.add("text-danger"); }
      if (left <= 2 && !submitted && form) {
        submitted = true;
        autosave();
        HTMLFormElement.prototype.submit.call(form);
      }
    };
    tick();
    setInterval(tick, 1000);
  }
})();
