// Page behaviour for servicelead. Loaded on every page; no inline scripts (Content-Security-Policy).
(function () {
  "use strict";

  // Keep the section anchor (e.g. #organisation) when switching the interface language.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("sl-lang") || !window.location.hash) {
      return;
    }
    var next = form.querySelector('input[name="next"]');
    if (next && next.value.indexOf("#") === -1) {
      next.value = next.value + window.location.hash;
    }
  });
})();
