// Behaviour of the people pages: self-assessment, review decisions and the profile's history chart.
// Everything works without it (plain forms); it adds live counts, guards against double submits and
// draws the chart chosen in a select. No inline scripts (Content-Security-Policy).
(function () {
  "use strict";

  // A form marked data-sl-once is sent once: a second click while the first request runs is ignored.
  // (Disabling the buttons would drop the clicked button's name and value from the request.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-sl-once")) {
      return;
    }
    if (form.getAttribute("data-submitting") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "true");
    form.setAttribute("aria-busy", "true");
    // Re-enable after a while: a download or an interrupted request must not lock the form for good.
    window.setTimeout(function () {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    }, 8000);
  });

  // --- Self-assessment ---------------------------------------------------------------------------------
  function ratingSummary(form) {
    var summary = form.querySelector("[data-rating-summary]");
    var fieldsets = form.querySelectorAll("fieldset.sl-rating");
    var rated = 0;
    var changed = 0;
    for (var i = 0; i < fieldsets.length; i += 1) {
      var fieldset = fieldsets[i];
      var checked = fieldset.querySelector('input[type="radio"]:checked');
      var previous = fieldset.getAttribute("data-self-level");
      var isChanged = Boolean(checked) && checked.value !== previous;
      if (checked) {
        rated += 1;
      }
      if (isChanged) {
        changed += 1;
      }
      var marker = fieldset.querySelector("[data-changed-marker]");
      if (marker) {
        marker.hidden = !isChanged;
      }
    }
    if (summary) {
      summary.textContent = summary.getAttribute("data-template")
        .replace("__rated__", rated)
        .replace("__total__", fieldsets.length)
        .replace("__changed__", changed);
    }
  }

  function syncTarget(checkbox) {
    var fieldset = checkbox.closest("fieldset");
    var target = fieldset && fieldset.querySelector("[data-target]");
    if (target) {
      target.disabled = !checkbox.checked;
    }
  }

  var ratingForm = document.getElementById("self-assessment-form");
  if (ratingForm) {
    ratingForm.addEventListener("change", function (event) {
      if (event.target.type === "radio") {
        ratingSummary(ratingForm);
      } else if (event.target.hasAttribute("data-grow")) {
        syncTarget(event.target);
      }
    });
    var growBoxes = ratingForm.querySelectorAll("[data-grow]");
    for (var g = 0; g < growBoxes.length; g += 1) {
      syncTarget(growBoxes[g]);
    }
    ratingSummary(ratingForm);
  }

  // --- Review decisions --------------------------------------------------------------------------------
  function syncDecision(row) {
    var chosen = row.querySelector('input[data-decision]:checked');
    var action = chosen ? chosen.value : "";
    row.setAttribute("data-action", action);
    var adjust = row.querySelector("[data-adjust]");
    if (adjust) {
      var select = adjust.querySelector("select");
      if (select) {
        select.disabled = action !== "adjust";
      }
    }
    var reason = row.querySelector("[data-reason]");
    if (reason) {
      reason.required = action === "adjust";
    }
  }

  var reviewForms = document.querySelectorAll("[data-review-form]");
  for (var r = 0; r < reviewForms.length; r += 1) {
    (function (form) {
      var rows = form.querySelectorAll("[data-review-row]");
      for (var k = 0; k < rows.length; k += 1) {
        syncDecision(rows[k]);
      }
      form.addEventListener("change", function (event) {
        if (event.target.hasAttribute("data-decision")) {
          syncDecision(event.target.closest("[data-review-row]"));
        }
      });
    })(reviewForms[r]);
  }

  // --- Profile: history of the chosen competency -------------------------------------------------------
  var CONFIG = {
    responsive: true,
    displaylogo: false,
    showSendToCloud: false,  // no offer to upload personal data to Plotly's cloud
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]
  };

  function drawHistory(picker) {
    var source = document.getElementById(picker.getAttribute("data-history-source"));
    var target = document.getElementById(picker.getAttribute("data-history-target"));
    if (!source || !target || typeof window.Plotly === "undefined") {
      return;
    }
    var figures;
    try {
      figures = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var figure = figures[picker.value];
    if (!figure) {
      return;
    }
    window.Plotly.react(target, figure.data, figure.layout, CONFIG).then(function (element) {
      // As in charts.js: the drawing is hidden from screen readers, its label and the table speak for it.
      var drawings = element.querySelectorAll(".main-svg");
      for (var i = 0; i < drawings.length; i += 1) {
        drawings[i].setAttribute("aria-hidden", "true");
      }
    });
    target.setAttribute("aria-label", target.getAttribute("data-label-template").replace("__name__", picker.options[picker.selectedIndex].text));
    var tables = document.querySelectorAll("[data-history-table]");
    for (var t = 0; t < tables.length; t += 1) {
      tables[t].hidden = tables[t].getAttribute("data-history-table") !== picker.value;
    }
  }

  var pickers = document.querySelectorAll("[data-history-picker]");
  for (var p = 0; p < pickers.length; p += 1) {
    (function (picker) {
      picker.addEventListener("change", function () { drawHistory(picker); });
      drawHistory(picker);
    })(pickers[p]);
  }
  // A link to one competency's history (the team matrix's cells): the charts above change the page's
  // height while they are drawn, so scroll to the history again once they are.
  var historyTitle = document.getElementById("history-title");
  if (historyTitle && window.location.hash === "#history-title") {
    window.addEventListener("load", function () {
      window.setTimeout(function () { historyTitle.scrollIntoView(); }, 0);
    });
  }
})();
