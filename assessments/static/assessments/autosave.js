/*
 * Keeps what the user types in the self-assessment and review forms in this browser until the
 * server confirms it was saved, so that nothing is lost on a network error or when the session
 * times out (the user logs in again and comes back to the same criterion, where the text is
 * restored and saved). Loaded as a static file: no inline script (CSP script-src 'self').
 *
 * Markup it relies on (assessments/includes/criterion.html, review_criterion.html):
 *   <form data-autosave-key="…" data-msg-offline="…" data-msg-restored="…" data-msg-error="…">
 *     <fieldset data-criterion="c-<code>-" hx-post=… hx-trigger="change">
 *       <input type="hidden" data-version …>       (optional: the answer's version)
 *       <div id="save-<code>" role="status">        (where messages go)
 * The server marks a successful save with the response header "X-Autosave: saved".
 */
(function () {
  "use strict";

  var PREFIX = "scs-autosave:";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  var pending = new Set();

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function formOf(el) {
    return el && el.closest ? el.closest("form[data-autosave-key]") : null;
  }

  function criterionOf(el) {
    return el && el.closest ? el.closest("[data-criterion]") : null;
  }

  function keyFor(form, name) {
    return PREFIX + form.getAttribute("data-autosave-key") + ":" + name;
  }

  function tracked(field) {
    if (!field.name || field.disabled) return false;
    if (field.tagName === "TEXTAREA") return true;
    if (field.tagName === "INPUT") {
      return field.type === "radio" || field.type === "text";
    }
    return false;
  }

  function statusRegion(criterion) {
    return criterion ? criterion.querySelector(".autosave-status") : null;
  }

  function say(criterion, message, isError) {
    var region = statusRegion(criterion);
    if (!region || !message) return;
    var p = document.createElement("p");
    p.className = isError ? "field-error" : "small";
    p.textContent = message;
    region.replaceChildren(p);
  }

  function versionOf(criterion) {
    var input = criterion ? criterion.querySelector("[data-version]") : null;
    return input ? input.value : null;
  }

  function remember(field) {
    var store = storage();
    var form = formOf(field);
    if (!store || !form || !tracked(field)) return;
    if (field.type === "radio" && !field.checked) return;
    var criterion = criterionOf(field);
    var entry = { value: field.value, base: versionOf(criterion), at: Date.now() };
    try {
      store.setItem(keyFor(form, field.name), JSON.stringify(entry));
    } catch (e) {
      /* storage full or disabled: the server save still works */
    }
  }

  function forget(form, namePrefix) {
    var store = storage();
    if (!store || !form) return;
    var start = keyFor(form, namePrefix);
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(start) === 0) store.removeItem(key);
    }
  }

  function trigger(criterion) {
    if (window.htmx && criterion) window.htmx.trigger(criterion, "change");
  }

  function restore(form) {
    var store = storage();
    if (!store) return;
    var start = keyFor(form, "");
    var touched = new Set();
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (!key || key.indexOf(start) !== 0) continue;
      var entry;
      try {
        entry = JSON.parse(store.getItem(key));
      } catch (e) {
        store.removeItem(key);
        continue;
      }
      if (!entry || Date.now() - entry.at > MAX_AGE_MS) {
        store.removeItem(key);
        continue;
      }
      var name = key.slice(start.length);
      var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      if (!fields.length) continue;
      var changed = false;
      fields.forEach(function (field) {
        if (field.type === "radio") {
          if (field.value === entry.value && !field.checked) {
            field.checked = true;
            changed = true;
          }
        } else if (field.value !== entry.value) {
          field.value = entry.value;
          changed = true;
        }
      });
      if (!changed) {
        store.removeItem(key);
        continue;
      }
      var criterion = criterionOf(fields[0]);
      if (!criterion) continue;
      // Save against the version the text was typed on: if someone else saved in between,
      // the server shows both versions instead of overwriting theirs.
      var version = criterion.querySelector("[data-version]");
      if (version && entry.base !== null && entry.base !== undefined) version.value = entry.base;
      touched.add(criterion);
    }
    touched.forEach(function (criterion) {
      say(criterion, form.getAttribute("data-msg-restored"), false);
      trigger(criterion);
    });
    return Array.from(touched);
  }

  document.addEventListener("input", function (event) {
    remember(event.target);
  });
  document.addEventListener("change", function (event) {
    remember(event.target);
  });

  // Keep the criterion being edited in the address, so that a reload or a new login comes
  // back to it (the server also puts it into the login page's "next").
  document.addEventListener("focusin", function (event) {
    var criterion = criterionOf(event.target);
    if (criterion && criterion.id && formOf(criterion) && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + criterion.id);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-discard-local]") : null;
    if (button) forget(formOf(button), button.getAttribute("data-discard-local"));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var criterion = criterionOf(event.detail.elt);
    var form = formOf(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!criterion || !form || !xhr) return;
    if (xhr.getResponseHeader("X-Autosave") === "saved") {
      forget(form, criterion.getAttribute("data-criterion"));
      pending.delete(criterion);
    }
  });

  function failed(event) {
    var criterion = criterionOf(event.detail.elt);
    var form = formOf(event.detail.elt);
    if (!criterion || !form) return;
    pending.add(criterion);
    var key = navigator.onLine === false ? "data-msg-offline" : "data-msg-error";
    say(criterion, form.getAttribute(key), true);
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  window.addEventListener("online", function () {
    pending.forEach(function (criterion) {
      if (document.body.contains(criterion)) trigger(criterion);
    });
    pending.clear();
  });

  function start() {
    var restored = [];
    document.querySelectorAll("form[data-autosave-key]").forEach(function (form) {
      restored = restored.concat(restore(form));
    });
    // Back to where the user was: the criterion in the address (kept through the login), or
    // else the first one whose unsaved input was just restored.
    var target = window.location.hash
      ? document.getElementById(window.location.hash.slice(1))
      : restored[0];
    if (target) target.scrollIntoView();
  }

  // After htmx has processed the page (its DOMContentLoaded handler was registered first).
  if (document.readyState === "complete") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
