// PLP's own script (no inline scripts: the Content-Security-Policy forbids them).
//
// Forms with data-busy="text": long work on the server (checking an import, freezing a
// report). On submit the button is disabled, so nobody sends twice, and the form shows
// the text with a moving progress bar in a live region, so the page never looks frozen.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy || event.defaultPrevented) return;
  const status = form.querySelector(".busy-status") || form.appendChild(document.createElement("div"));
  status.className = "busy-status mt-2";
  status.setAttribute("role", "status");
  status.textContent = form.dataset.busy;
  const bar = status.appendChild(document.createElement("progress"));
  bar.className = "pdf-progress mt-1";
  bar.setAttribute("aria-label", form.dataset.busy);
  // After this event, so the button still counts as the submitter.
  setTimeout(() => form.querySelectorAll("button, [type=submit]").forEach((b) => { b.disabled = true; }));
});

// Coming back with the browser's back button shows the page as it was left: undo.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-busy]").forEach((form) => {
    form.querySelectorAll("button, [type=submit]").forEach((b) => { b.disabled = false; });
    form.querySelector(".busy-status")?.remove();
  });
});
