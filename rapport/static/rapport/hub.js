// The creator hub's few behaviours; every form and link works without them.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="#input-id" data-copied="Copied">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });

  // The browser's time zone, offered to the creator: fills <input data-browser-time-zone> and
  // reveals the element marked [data-time-zone-offer] when it differs from the one in use.
  document.addEventListener("DOMContentLoaded", function () {
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
  });

  // Uploads with a progress bar: <form data-upload-progress> holding a <progress hidden>.
  // Without JavaScript the form posts normally.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) return;
    if (!window.FormData || !window.XMLHttpRequest) return;
    var bar = form.querySelector("progress");
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (!bar || !e.lengthComputable) return;
      bar.hidden = false;
      bar.max = e.total;
      bar.value = e.loaded;
    });
    request.addEventListener("load", function () {
      // The server answers like a normal form post: a redirect to the page, or the page with errors.
      document.open();
      document.write(request.responseText);
      document.close();
      if (request.responseURL) history.replaceState(null, "", request.responseURL);
    });
    request.addEventListener("error", function () { form.submit(); });
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    request.send(new FormData(form));
  });
})();
