// Draws every plotly chart on the page from the data the server left in a json_script element:
// <div data-figure="trend-figure"> is drawn from <script type="application/json" id="trend-figure">.
// No inline scripts and no eval (Content-Security-Policy); loaded only on pages with charts.
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function draw(element) {
    if (element.getAttribute("data-drawn") === "true" || typeof window.Plotly === "undefined") {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    element.setAttribute("data-drawn", "true");
    window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, CONFIG);
  }

  function drawAll(root) {
    var elements = (root || document).querySelectorAll("[data-figure]");
    for (var i = 0; i < elements.length; i += 1) {
      draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  // Charts that arrive in an htmx fragment.
  document.body.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
