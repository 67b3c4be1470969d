// Draws every plotly chart on the page from the data the server left in a json_script element:
// <div data-figure="trend-figure"> is drawn from <script type="application/json" id="trend-figure">.
// No inline scripts and no eval (Content-Security-Policy); loaded only on pages with charts.
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    // No "Share chart" button: it would offer to upload personal data to Plotly's cloud.
    showSendToCloud: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function draw(element) {
    if (element.getAttribute("data-drawn") === "true" || typeof window.Plotly === "undefined") {
      return;
    }
    // A chart in a folded section is drawn when the section opens (at its real width).
    if (element.closest("details:not([open])")) {
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
    window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, CONFIG).then(hideDrawing);
  }

  // The drawing's text (ticks, cell labels) would be read in no useful order; the figure's label and
  // description and the table beside it say the same. The tool buttons stay reachable.
  function hideDrawing(element) {
    var drawings = element.querySelectorAll(".main-svg");
    for (var i = 0; i < drawings.length; i += 1) {
      drawings[i].setAttribute("aria-hidden", "true");
    }
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
  // Charts of a folded section, once it is opened ("toggle" does not bubble: listen while capturing).
  document.addEventListener("toggle", function (event) {
    if (event.target.open) { drawAll(event.target); }
  }, true);
  // Charts that arrive in an htmx fragment.
  document.body.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
