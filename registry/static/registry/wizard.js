/* The ★ wizard's result page: "copy" and "print" buttons.
 *
 * Progressive enhancement only: the buttons are rendered `hidden` and shown here, so without
 * JavaScript the page still offers the texts to select and the browser's own print command
 * (the print stylesheet applies either way). Loaded with `defer`; no inline script (CSP).
 */
(function () {
  "use strict";

  function announce(message) {
    var status = document.getElementById("wizard-status");
    if (!status || !message) {
      return;
    }
    // Clear first so that a screen reader announces the same message again on a second copy.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "wizard-offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.textContent.trim()).then(
        function () {
          announce(button.getAttribute("data-copied"));
        },
        function () {
          announce(button.getAttribute("data-copy-failed"));
        }
      );
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    if (typeof window.print !== "function") {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
