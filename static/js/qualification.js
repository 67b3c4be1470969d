// Behaviour of the qualification pages. Everything works without it (plain forms and links; the job page
// polls through htmx attributes); it asks before destructive actions, guards against double submits,
// shows the value of a progress slider, switches periods on change and prints the certificate.
// No inline scripts or handlers (Content-Security-Policy).
(function () {
  "use strict";

  // data-sl-confirm="question": ask before sending. data-sl-once: send once; a second click while the
  // first request runs is ignored (disabling the buttons would drop the clicked button's value).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute) {
      return;
    }
    var question = form.getAttribute("data-sl-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-sl-once")) {
      return;
    }
    if (form.getAttribute("data-submitting") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "true");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    }, 8000);
  });

  // A progress slider shows its value next to its label.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('.sl-progress-form input[type="range"]')) {
      return;
    }
    var output = input.form && input.form.querySelector("[data-sl-output]");
    if (output) {
      output.textContent = input.value + "\u00a0%";
    }
  });

  // A select marked data-sl-autosubmit (the period choice) reloads the page with its value.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.hasAttribute && select.hasAttribute("data-sl-autosubmit") && select.form) {
      select.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-sl-print]");
    if (button) {
      window.print();
    }
  });
})();
