// While a matching round runs, poll its status and show progress; reload the page once it has finished.
// Without JavaScript the page's "Refresh" link does the same job.
(function () {
  "use strict";
  var box = document.getElementById("round-progress");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("round-progress-bar");
  var stage = document.getElementById("round-stage");
  var INTERVAL = 1500;

  function show(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    var text = data.stage + " (" + data.progress + "%)";
    if (stage.textContent !== text) stage.textContent = text;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A dropped request is not the round failing: try again a little later.
        window.setTimeout(poll, INTERVAL * 2);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
