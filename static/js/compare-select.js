// The jobs list's "Compare selected": counts the ticked reports and enables the button for 2 to
// 4 of them. Without JavaScript the form still submits and the server says what is wrong.
(function () {
  "use strict";

  function update(form) {
    var min = Number(form.dataset.min || 2);
    var max = Number(form.dataset.max || 4);
    var ticked = form.querySelectorAll('input[name="jobs"]:checked').length;
    var button = form.querySelector("#compare-submit");
    var status = form.querySelector("#compare-status");
    var text;
    if (ticked === 0) {
      text = "Tick " + min + " to " + max + " completed reports to compare them.";
    } else if (ticked < min) {
      text = ticked + " selected: tick at least " + (min - ticked) + " more.";
    } else if (ticked > max) {
      text = ticked + " selected: at most " + max + " can be compared; untick " + (ticked - max) + ".";
    } else {
      text = ticked + " selected.";
    }
    if (status) {
      status.textContent = text;
    }
    if (button) {
      button.disabled = ticked < min || ticked > max;
    }
    form.classList.toggle("compare-pick--active", ticked > 0);
  }

  function init() {
    var form = document.getElementById("compare-form");
    if (!form) {
      return;
    }
    form.addEventListener("change", function () {
      update(form);
    });
    // A running job's row is swapped in when it completes, with its checkbox.
    document.body.addEventListener("htmx:afterSwap", function () {
      update(form);
    });
    update(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
