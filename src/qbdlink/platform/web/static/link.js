// The Link page: copy buttons and the live status (the page works without this file).
(function () {
  "use strict";

  function copyFrom(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var result = button.closest("div").parentElement.querySelector(".copy-result");
    function done(ok) {
      if (result) { result.textContent = ok ? "Copied to the clipboard." : "Select the text and copy it (Ctrl+C)."; }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () {
        field.select(); done(document.execCommand && document.execCommand("copy"));
      });
    } else {
      field.focus(); field.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copyFrom(button); });
  });

  var panel = document.getElementById("status-panel");
  if (!panel) { return; }
  var target = document.getElementById("live-status");
  var announce = document.getElementById("status-announce");
  var url = panel.getAttribute("data-status-url");
  var lastStage = null;
  var delay = 1500;
  var finished = panel.getAttribute("data-finished") === "1";

  function poll() {
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        finished = response.headers.get("X-Link-Finished") === "1";
        var stage = response.headers.get("X-Link-Stage");
        return response.text().then(function (html) { return { html: html, stage: stage }; });
      })
      .then(function (answer) {
        // The fragment is rendered (and escaped) by the server's own template.
        target.innerHTML = answer.html;
        var headline = document.getElementById("status-headline");
        if (answer.stage !== lastStage && headline) { announce.textContent = headline.textContent; }
        lastStage = answer.stage;
        if (answer.stage !== "waiting") {
          var download = document.getElementById("download");
          if (download) { download.parentElement.hidden = true; }
        }
        delay = 1500;
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); })
      .then(function () { if (!finished) { window.setTimeout(poll, delay); } });
  }

  var first = target.querySelector("[data-stage]");
  lastStage = first ? first.getAttribute("data-stage") : null;
  if (!finished) { window.setTimeout(poll, delay); }
})();
