// Semáforo's own script: small progressive enhancements only; every form works without it.
"use strict";

// Confirm destructive actions marked with data-confirm (archive, revoke…).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
