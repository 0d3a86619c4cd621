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
