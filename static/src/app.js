// SCS Registry: the little behaviour the pages need, without a framework.
// Loaded with `defer`; every page works without it (the menu simply stays open).
(function () {
  "use strict";

  // Narrow screens: collapse the site menu behind a disclosure button.
  function setupMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    if (!toggle) {
      return;
    }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-collapsed", !open);
    }
    toggle.hidden = false;
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // A table that scrolls sideways gets keyboard focus so it can be scrolled without a mouse.
  function setupScrollableTables() {
    var wraps = document.querySelectorAll(".table-wrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        if (!wrap.hasAttribute("role")) {
          wrap.setAttribute("role", "region");
        }
        if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
          var caption = wrap.querySelector("caption");
          var table = wrap.querySelector("table");
          var label = caption ? caption.textContent : table && table.getAttribute("aria-label");
          if (label) {
            wrap.setAttribute("aria-label", label.trim());
          }
        }
      }
    });
  }

  // Buttons with data-confirm ask before submitting (e.g. withdrawing an application).
  function setupConfirm() {
    document.addEventListener("click", function (event) {
      var target = event.target.closest("[data-confirm]");
      if (target && !window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  }

  function init() {
    setupMenu();
    setupScrollableTables();
    setupConfirm();
    document.addEventListener("htmx:afterSettle", setupScrollableTables);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
