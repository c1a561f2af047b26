// The campaign board: drag a card to another column to change its stage. A move the lifecycle
// refuses snaps back with the server's message; declining or cancelling asks for a reason first.
// Without a mouse, each card's "Move to" form does the same (and works without this script).
(function () {
  "use strict";

  var dragged = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function board() {
    return document.querySelector("[data-board]");
  }

  function showMessage(text, isError) {
    var box = document.getElementById("board-message");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("error", !!isError);
    box.setAttribute("role", isError ? "alert" : "status");
    box.hidden = !text;
  }

  // A column's count is the stage's true total (a column draws only its first cards), so a
  // move shifts the two counts by one instead of counting the cards on screen.
  function shiftCount(column, delta) {
    var count = column && column.querySelector("[data-count]");
    if (count) count.textContent = (parseInt(count.textContent, 10) || 0) + delta;
  }

  function askReason(card, stageLabel) {
    var dialog = document.getElementById("reason-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.prompt(stageLabel));
    }
    var input = dialog.querySelector("#reason-input");
    var about = dialog.querySelector("[data-reason-for]");
    if (about) about.textContent = card.dataset.name + " → " + stageLabel;
    input.value = "";
    return new Promise(function (resolve) {
      dialog.addEventListener(
        "close",
        function () {
          resolve(dialog.returnValue === "ok" && input.value.trim() ? input.value.trim() : null);
        },
        { once: true }
      );
      dialog.showModal();
      input.focus();
    });
  }

  function columnFor(stage) {
    return document.querySelector('.board-column[data-stage="' + stage + '"]');
  }

  function stageLabel(stage) {
    var column = columnFor(stage);
    var head = column && column.querySelector(".board-column-head");
    return head ? head.firstChild.textContent.trim() : stage;
  }

  // Move ``card`` to ``stage``: in place at once, then on the server; put it back if refused.
  function move(card, stage, reason) {
    var from = card.parentElement;
    var next = card.nextElementSibling;
    var target = columnFor(stage);
    if (!target || card.dataset.stage === stage) return;
    var needsReason = (board().dataset.needsReason || "").split(",").indexOf(stage) !== -1;
    var ready = needsReason && !reason ? askReason(card, stageLabel(stage)) : Promise.resolve(reason || "");
    ready.then(function (given) {
      if (given === null) return; // the person changed their mind
      var source = from.closest(".board-column");
      target.querySelector(".board-cards").appendChild(card);
      card.classList.add("is-saving");
      shiftCount(source, -1);
      shiftCount(target, 1);
      var body = new FormData();
      body.append("stage", stage);
      body.append("reason", given);
      body.append("next", board().dataset.next || "");
      fetch(card.dataset.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok && data.ok, data: data };
          });
        })
        .then(function (result) {
          if (!result.ok) throw new Error(result.data.message || "");
          var holder = document.createElement("ul");
          holder.innerHTML = result.data.card;
          var fresh = holder.firstElementChild;
          card.replaceWith(fresh);
          showMessage(result.data.message, false);
          fresh.focus();
        })
        .catch(function (error) {
          from.insertBefore(card, next && next.parentElement === from ? next : null);
          card.classList.remove("is-saving");
          shiftCount(target, -1);
          shiftCount(source, 1);
          showMessage(error.message || "The move could not be saved.", true);
        });
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable]");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    document.querySelectorAll(".board-column.is-over").forEach(function (c) {
      c.classList.remove("is-over");
    });
    dragged = null;
  });

  document.addEventListener("dragover", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-over");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-over");
  });

  document.addEventListener("drop", function (event) {
    var column = dragged && event.target.closest && event.target.closest(".board-column");
    if (!column) return;
    event.preventDefault();
    column.classList.remove("is-over");
    move(dragged, column.dataset.stage, "");
  });

  // The card's "Move to" form goes through the same path (no page reload on the board).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("move-form") || !board()) return;
    var card = form.closest(".board-card");
    if (!card) return;
    event.preventDefault();
    move(card, form.elements.stage.value, form.elements.reason ? form.elements.reason.value.trim() : "");
  });
})();
