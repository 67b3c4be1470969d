// The navigation's to-do and unread counts, loaded after the page (the home page renders them itself):
// no page pays for their queries, and a page that is done polling (a finished job) stays without htmx requests.
(function () {
  "use strict";
  var box = document.querySelector("[data-nav-counts-url]");
  if (!box) {
    return;
  }
  fetch(box.getAttribute("data-nav-counts-url"), { credentials: "same-origin", headers: { "HX-Request": "true" } })
    .then(function (response) { return response.ok ? response.text() : null; })
    .then(function (html) { if (html) { box.innerHTML = html; } })
    .catch(function () { /* the counts are a convenience; the bell still links to the page */ });
})();
