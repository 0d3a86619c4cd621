// Semáforo's own script: small progressive enhancements only; every form works without it.
"use strict";

// Confirm destructive actions marked with data-confirm (archive, revoke…).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// Sign-up: send the browser's time zone so review dates follow the business's calendar.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll('input[type="hidden"][name="time_zone"]').forEach((input) => {
    if (!input.value && zone) {
      input.value = zone;
    }
  });
});

// Print buttons (no inline handlers under the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Copy buttons: data-copy="#selector" copies that field's text.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  const field = document.querySelector(button.dataset.copy);
  if (field && navigator.clipboard) {
    navigator.clipboard.writeText(field.value || field.textContent).then(() => {
      button.dataset.copied = "true";
    });
  } else if (field) {
    field.select();
  }
});
