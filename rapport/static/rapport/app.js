// Small, progressive behaviours; every page works without them.
(function () {
  "use strict";

  // "Select all on this page" ticks every creator row of the bulk form, and the bar says how many.
  function updateSelectedCount(form) {
    var counter = form.querySelector("[data-selected-count]");
    if (!counter) return;
    var ticked = form.querySelectorAll('input[name="ids"]:checked').length;
    if (!counter.dataset.idle) counter.dataset.idle = counter.textContent;
    counter.textContent = ticked ? ticked + " " + (ticked === 1 ? counter.dataset.one : counter.dataset.many) : counter.dataset.idle;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.form) return;
    if (target.matches("[data-select-all]")) {
      target.form.querySelectorAll('input[name="ids"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.name === "ids" || target.matches("[data-select-all]")) {
      updateSelectedCount(target.form);
    }
  });

  // The list's results region tells assistive technology while it is loading.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = document.getElementById("results-region");
    if (region && event.detail.target && region.contains(event.detail.target)) {
      region.setAttribute("aria-busy", "true");
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    var region = document.getElementById("results-region");
    if (region) region.removeAttribute("aria-busy");
    var bulk = document.getElementById("bulk");
    if (bulk) updateSelectedCount(bulk);
  });

  // Export links follow the filters the address bar now shows (htmx changed it in place).
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    document.querySelectorAll("[data-export-link]").forEach(function (link) {
      var url = new URL(link.href);
      var query = new URLSearchParams(params);
      query.set("format", url.searchParams.get("format") || "csv");
      url.search = query.toString();
      link.href = url.toString();
    });
  });

  // On a phone the filter panel starts folded so that the results come first.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.matchMedia("(max-width: 600px)").matches) {
      document.querySelectorAll(".filter-panel[open]").forEach(function (panel) {
        panel.open = false;
      });
    }
  });

  // An open action menu closes on Escape, and returns focus to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.action-menu[open]").forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
})();
