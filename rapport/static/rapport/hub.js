// The creator hub's few behaviours; every form and link works without them.
(function () {
  "use strict";

  // The browser's time zone, offered to the creator: fills <input data-browser-time-zone> and
  // reveals the element marked [data-time-zone-offer] when it differs from the one in use.
  function offerTimeZone() {
    var browserZone;
    try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!browserZone) return;
    document.querySelectorAll("[data-browser-time-zone]").forEach(function (input) {
      input.value = browserZone;
    });
    document.querySelectorAll("[data-browser-time-zone-name]").forEach(function (node) {
      node.textContent = browserZone;
    });
    document.querySelectorAll("[data-time-zone-offer]").forEach(function (offer) {
      if (offer.dataset.timeZoneOffer !== browserZone) offer.hidden = false;
    });
  }
  document.addEventListener("DOMContentLoaded", offerTimeZone);

  // Uploads with a progress bar: <form data-upload-progress="#where-to-return"> holding a
  // <progress hidden> and optionally a [data-upload-status] live region. Without JavaScript the
  // form posts normally. The server answers like a normal form post: a redirect to the page (the
  // request follows it), or the page again with the form's errors (422).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) return;
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    // Too big for the server's limit: say so now, before sending it all over a phone network.
    var limit = parseFloat(form.dataset.maxMb || "0") * 1024 * 1024;
    var chosen = form.querySelector("input[type=file]");
    var file = chosen && chosen.files && chosen.files[0];
    if (limit && file && file.size > limit) {
      if (status) status.textContent = form.dataset.tooBig || "";
      chosen.setAttribute("aria-invalid", "true");
      chosen.focus();
      return;
    }
    var buttons = form.querySelectorAll("button[type=submit]");
    var target = form.getAttribute("data-upload-progress");
    var said = -1;
    var say = function (text) { if (status) status.textContent = text; };
    if (bar) { bar.hidden = false; bar.removeAttribute("value"); }  // indeterminate until sized
    say(form.dataset.uploadStarting || "");
    buttons.forEach(function (b) { b.setAttribute("aria-busy", "true"); b.disabled = true; });
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor((e.loaded / e.total) * 100);
      if (bar) { bar.max = 100; bar.value = percent; }
      // Announce every quarter, not every byte: a screen reader would never stop talking.
      var quarter = Math.floor(percent / 25);
      if (quarter !== said) { said = quarter; say(percent + "%"); }
    });
    request.addEventListener("load", function () {
      var redirected = request.status < 300 && request.responseURL &&
        request.responseURL.split("#")[0] !== new URL(form.action, location.href).href;
      // The answer is the whole page (after a redirect, or again with the form's errors): put its
      // main part in place of this one. The page keeps its scripts, which listen on the document.
      var fresh = new DOMParser().parseFromString(request.responseText, "text/html");
      var main = fresh.querySelector("main");
      if (!main) { form.submit(); return; }
      document.querySelector("main").replaceWith(document.adoptNode(main));
      document.title = fresh.title;
      // After a redirect the page's address is the one redirected to; after refused input it
      // stays the page's (the action's address only answers posts).
      var base = redirected ? request.responseURL.split("#")[0] : location.href.split("#")[0];
      var hash = target && target.charAt(0) === "#" ? target : "";
      history.replaceState(null, "", base + hash);
      offerTimeZone();
      if (document.querySelector("[data-hub-refused]")) {
        showRefusal();
      } else {
        var place = hash && document.querySelector(hash);
        if (place) place.scrollIntoView();
      }
    });
    request.addEventListener("error", function () { form.submit(); });
    request.send(new FormData(form));
  });

  // After a refused action the page says so at the top: take the creator to the field to fix.
  // Messages shown after an action float at the bottom of the screen until closed.
  function showRefusal() {
    var refused = document.querySelector("[data-hub-refused]");
    var place = refused && document.getElementById(refused.dataset.hubRefused);
    if (!place) return;
    var invalid = place.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
    else place.scrollIntoView();
  }
  document.addEventListener("DOMContentLoaded", showRefusal);
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss-flash]");
    if (close) close.closest("[data-hub-flash]").hidden = true;
  });
})();
