// Copy buttons, on team pages (the hub link panel) and on the creator hub: <button data-copy="#input-id" data-copied="Copied">.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied || label;
      // A page may give a polite live region, so that screen readers hear it was copied.
      var live = document.querySelector("[data-copy-live]");
      if (live) live.textContent = button.dataset.copied || "";
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
})();
