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

// The menus are <details> and open without JavaScript. With it: one menu open at a time,
// a tap outside closes them, and Escape closes the innermost one and returns to its button.
const openMenus = () => [...document.querySelectorAll(".site-nav details[open]")];

document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (!(opened instanceof HTMLDetailsElement) || !opened.open || !opened.matches(".nav-dropdown")) {
    return;
  }
  openMenus().forEach((menu) => {
    if (menu !== opened && menu.matches(".nav-dropdown")) {
      menu.open = false;
    }
  });
}, true);  // toggle does not bubble: listen while it is captured

document.addEventListener("click", (event) => {
  openMenus().forEach((menu) => {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  });
});

document.addEventListener("keydown", (event) => {
  const menus = openMenus();
  if (event.key !== "Escape" || menus.length === 0) {
    return;
  }
  const innermost = menus[menus.length - 1];  // document order: nested menus come later
  innermost.open = false;
  innermost.querySelector(":scope > summary").focus();
});
