// The report's print button, and evidence that opens for printing: a PDF shows everything.
(function () {
  "use strict";

  // The print button needs this script; the stylesheet shows it only under `.js`.
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-print]")) {
      window.print();
    }
  });

  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".report details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });
})();
