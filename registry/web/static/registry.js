// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed form submit, move focus to the error summary so it is read first.
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }

    // A copy button beside read-only snippets (the badge's Markdown).
    document.querySelectorAll("textarea[data-copy]").forEach(function (area) {
      if (!navigator.clipboard) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = document.documentElement.lang === "de" ? "Kopieren" : "Copy";
      var status = document.createElement("span");
      status.setAttribute("role", "status");
      status.className = "copy-status";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(area.value).then(function () {
          status.textContent = document.documentElement.lang === "de" ? "Kopiert." : "Copied.";
        });
      });
      area.insertAdjacentElement("afterend", status);
      area.insertAdjacentElement("afterend", button);
    });
  });
})();
