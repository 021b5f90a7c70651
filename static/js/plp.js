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

// Forms with data-confirm="question" (deleting a document, an observation, a record): the
// browser asks first; only "OK" sends the form. Without JavaScript the form is sent as is.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

// Coming back with the browser's back button shows the page as it was left: undo.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-busy]").forEach((form) => {
    form.querySelectorAll("button, [type=submit]").forEach((b) => { b.disabled = false; });
    form.querySelector(".busy-status")?.remove();
  });
});

// Passkeys on the two-step setup page (django-otp-webauthn's script does the ceremony).
// A name is asked first: without one the library's button does not start. Once the
// browser has made the passkey, the form sends its id and name to the server.
document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element) || !event.target.closest("#passkey-register-button")) return;
  const name = document.querySelector("#passkey-form input[name=name]");
  if (name && !name.value.trim()) {
    event.stopPropagation();
    name.setAttribute("aria-invalid", "true");
    name.reportValidity();
    name.focus();
  }
}, true);

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.id !== "passkey-form" || form.elements.credential.value) return;
  // Enter in the name field: start the ceremony instead of sending an empty form.
  event.preventDefault();
  document.getElementById("passkey-register-button")?.click();
});

document.addEventListener("otp_webauthn.register_complete", (event) => {
  const form = document.getElementById("passkey-form");
  if (!form) return;
  form.elements.credential.value = event.detail.id;
  form.submit();
});

// A select with data-filter-by="<id of another select>" (the mentor on a placement form)
// offers only the options whose data-organisation matches the other select's choice.
// Without JavaScript every option stays and the server checks the pair.
function filterOptions(select) {
  const source = document.getElementById(select.dataset.filterBy);
  if (!source) return;
  const chosen = source.value;
  for (const option of select.options) {
    const owner = option.dataset.organisation;
    const hide = Boolean(owner && chosen && owner !== chosen);
    option.hidden = hide;
    option.disabled = hide;
    if (hide && option.selected) select.value = "";
  }
}

document.addEventListener("change", (event) => {
  if (!(event.target instanceof HTMLSelectElement)) return;
  document.querySelectorAll(`select[data-filter-by="${event.target.id}"]`).forEach(filterOptions);
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-filter-by]").forEach(filterOptions);
});
