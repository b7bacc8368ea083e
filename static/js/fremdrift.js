/* Fremdrift: small helpers on top of Bootstrap and htmx (issue 19).
   - Every sideways scrolling table box is a labelled region the keyboard can reach (WCAG 2.1.1, 1.4.10).
   - A table outside such a box gets one, so a wide table scrolls inside the page, not the page itself.
   - After an in-page save (htmx, not a GET), focus moves to the updated part's status message or heading. */
(function () {
  "use strict";

  function labelFor(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    for (var el = box; el && el !== document.body; el = el.parentElement) {
      for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        var heading = /^H[1-6]$/.test(prev.tagName) ? prev : prev.querySelector("h1, h2, h3, h4, h5, h6");
        if (heading && heading.textContent.trim()) return heading.textContent.trim();
      }
    }
    return document.title;
  }

  function makeRegions(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-responsive, .fd-stack, .fd-no-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", labelFor(box));
      }
    });
  }

  function focusAfterSave(event) {
    var config = event.detail && event.detail.requestConfig;
    if (!config || String(config.verb).toLowerCase() === "get") return;
    var target = event.detail.target || event.target;
    // An outerHTML swap replaces the target: find its successor by id.
    if (target && !document.contains(target) && target.id) target = document.getElementById(target.id);
    if (!target || !document.contains(target)) return;
    var spot = target.querySelector('[role="status"], [role="alert"], .alert, h1, h2, h3, h4, h5, h6');
    if (!spot) spot = target;
    if (!spot.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(spot.tagName)) {
      spot.setAttribute("tabindex", "-1");
    }
    spot.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { makeRegions(document); });
  // Every part htmx brings in (a lazy section, a saved card) gets its regions too; the whole page is looked
  // at again, so a part swapped in as its own outer element is not missed.
  document.body.addEventListener("htmx:load", function () { makeRegions(document); });
  document.body.addEventListener("htmx:afterSettle", function () { makeRegions(document); });
  document.body.addEventListener("htmx:afterSettle", focusAfterSave);
})();
