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

// A link to a section folded in <details> (the dashboard's in-page navigation, #levels) opens it.
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var fold = target ? target.closest("details") : null;
    if (fold && !fold.open) {
      fold.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (link && link.getAttribute("href") === window.location.hash) { openTarget(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openTarget);
  } else {
    openTarget();
  }
})();
