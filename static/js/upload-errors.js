/*
 * Declaration list: after a refused XML upload, take keyboard and screen-reader users to
 * the error summary. No inline script: the page runs under a strict CSP.
 */
(function () {
  "use strict";

  var summary = document.getElementById("upload-error-summary");
  if (summary) {
    summary.focus();
  }
})();
