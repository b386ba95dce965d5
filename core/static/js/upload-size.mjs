import { ErrorSummary } from "/static/govuk/govuk-frontend.min.js";

// A file over the upload limit (imports/list.html: data-max-bytes on the file input) is refused by the form only once
// all of it has been sent, which for a file of hundreds of megabytes takes minutes. It is refused here before sending,
// with the words the form would use (data-too-large), shown as the form shows them: GOV.UK's error summary and the
// field's error message. The form checks again, for a browser without JavaScript.
export function checkSizeBeforeSending(input) {
  input.form.addEventListener("submit", (event) => {
    const file = input.files[0];
    if (!file || file.size <= Number(input.dataset.maxBytes)) return;
    event.preventDefault();
    showFieldError(input, input.dataset.tooLarge);
    showInSummary(input, input.dataset.tooLarge);
    if (!document.title.startsWith("Error: ")) document.title = `Error: ${document.title}`;
  });
}

function showFieldError(input, message) {
  const id = `${input.id}-error`;
  let error = document.getElementById(id);
  if (!error) {
    error = document.createElement("p");
    error.id = id;
    error.className = "govuk-error-message";
    input.before(error);
    input.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
    input.classList.add("govuk-file-upload--error");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    input.setAttribute("aria-describedby", [...described, id].join(" "));
  }
  const hidden = document.createElement("span");
  hidden.className = "govuk-visually-hidden";
  hidden.textContent = "Error:";
  error.replaceChildren(hidden, ` ${message}`);
}

// The page's error summary, where the form has shown one, is given the file's error in place of any it had; else one
// is made above the heading. Either is focused, as GOV.UK's error summary is when a page with one loads.
function showInSummary(input, message) {
  const link = document.createElement("a");
  link.href = `#${input.id}`;
  link.textContent = message;
  const item = document.createElement("li");
  item.append(link);
  const shown = document.querySelector(".govuk-error-summary");
  if (shown) {
    const list = shown.querySelector(".govuk-error-summary__list");
    const before = list.querySelector(`a[href="#${input.id}"]`)?.closest("li");
    if (before) before.replaceWith(item);
    else list.prepend(item);
    shown.focus();
    return;
  }
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary";
  summary.dataset.module = "govuk-error-summary";
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  const title = document.createElement("h2");
  title.className = "govuk-error-summary__title";
  title.textContent = "There is a problem";
  const body = document.createElement("div");
  body.className = "govuk-error-summary__body";
  const list = document.createElement("ul");
  list.className = "govuk-list govuk-error-summary__list";
  list.append(item);
  body.append(list);
  alert.append(title, body);
  summary.append(alert);
  document.querySelector("main h1").before(summary);
  new ErrorSummary(summary); // focuses it, and moves to the field when its link is followed
}
