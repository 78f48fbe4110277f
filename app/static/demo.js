// The demo page around the widget: example messages, the embed snippet, a status line.
(function () {
  "use strict";
  var message = document.getElementById("message");
  var status = document.getElementById("status");

  document.getElementById("snippet").textContent =
    '<script src="' + location.origin + '/widget.js"\n' +
    '        data-key="tri_pk_…" data-target="#message"\n' +
    '        data-reply="#reply" async></script>';

  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      message.value = button.getAttribute("data-example");
      message.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // The key goes to the widget, never into the URL.
  document.getElementById("key").addEventListener("change", function (event) {
    (window.TriageWidget ? window.TriageWidget.instances : []).forEach(function (widget) {
      widget.key = event.target.value.trim();
      widget.lastText = null;
    });
  });

  message.addEventListener("triage:result", function (event) {
    var result = event.detail;
    status.textContent =
      (result.flagged ? "Flagged (" + result.priority + " priority)" : "Not flagged") +
      " · " + result.customer_type + " · " + result.triggers.length + " trigger(s)";
  });
  message.addEventListener("triage:unavailable", function (event) {
    status.textContent =
      "Screening unavailable (" + event.detail.reason + "): no banner; the page works as before.";
  });
})();
