// The report's behaviour: the print button, the posts table opened for printing, links that
// open the toggle their target sits in, and, on the job page, the verdict brought into view
// when the finished report arrives.
(function () {
  "use strict";

  // The print button needs this script; the stylesheet shows it only under `.js`.
  document.documentElement.classList.add("js");

  // Open every closed <details> around an element, so a link to it shows it.
  function reveal(target) {
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
      }
    }
  }

  function revealHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) {
      reveal(target);
    }
  }

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) {
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    // Before the browser scrolls to the target, so it scrolls to where the target will be.
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target) {
      reveal(target);
    }
  });
  window.addEventListener("hashchange", revealHash);
  document.addEventListener("DOMContentLoaded", revealHash);

  // Print opens only what the print stylesheet means to show (Chromium does so through
  // ::details-content; other browsers need the attribute).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-print-open]:not([open])").forEach(function (details) {
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

  // The job page: when the stream swaps the finished report in, scroll its verdict card to the
  // top of the window (at once for people who ask for reduced motion).
  document.addEventListener("htmx:sseMessage", function (event) {
    var container = event.target;
    if (!(container instanceof Element) || !container.hasAttribute("data-reveal")) {
      return;
    }
    var card = container.querySelector(container.getAttribute("data-reveal"));
    if (!card) {
      return;
    }
    var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    card.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
  });
})();
