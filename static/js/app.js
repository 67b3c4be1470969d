// Page behaviour for servicelead. Loaded on every page; no inline scripts (Content-Security-Policy).
(function () {
  "use strict";

  if (window.htmx) {
    // Fragments answer bad input with 400 and a message to show in place (htmx 2 drops 4xx by default);
    // server errors stay unswapped and raise htmx:responseError.
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: false },
      { code: "[5]..", swap: false, error: true },
      { code: "...", swap: false }
    ];
    // htmx would otherwise insert an inline <style> for its indicators; app.css styles them.
    window.htmx.config.includeIndicatorStyles = false;
  }

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
