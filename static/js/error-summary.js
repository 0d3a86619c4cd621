// After a failed submit the page opens with its errors listed at the top of the main region
// (templates/_error_summary.html); without JavaScript that list is simply the first thing
// there. With it, focus moves to the list, so it is scrolled into view and read out, and
// each link focuses the field it names (a plain "#id" link only scrolls).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) {
    return;
  }
  event.preventDefault();
  const details = field.closest("details");
  if (details) {
    details.open = true; // a checklist note folded away
  }
  // Show the field with its label or its group's legend, in the middle of the screen (the
  // checklist's light is sticky at the top).
  const fieldset = field.closest("fieldset");
  const label = document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
  (label || (fieldset && fieldset.querySelector("legend")) || field).scrollIntoView({ block: "center" });
  field.focus({ preventScroll: true });
});
