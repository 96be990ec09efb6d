/* A progress bar for long work: polls the run's status and reloads the page when it is done. */
(function () {
  "use strict";
  var card = document.getElementById("progress-card");
  if (!card) return;
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  function poll() {
    fetch(card.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.value = data.progress;
        text.textContent = data.progress + "%";
        if (data.status === "done" || data.status === "failed") window.location.reload();
        else setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
