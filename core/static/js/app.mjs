import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { addFragmentToNext } from "./fragment.mjs";
import { warnBeforeSignOut } from "./timeout-warning.mjs";
import { checkSizeBeforeSending } from "./upload-size.mjs";

initAll();

const nextAfterSignIn = document.querySelector("form[data-sign-in] input[name=next]");
if (nextAfterSignIn) addFragmentToNext(nextAfterSignIn);

const timeoutWarning = document.getElementById("timeout-warning");
if (timeoutWarning) warnBeforeSignOut(timeoutWarning);

const upload = document.querySelector("input[type=file][data-max-bytes]");
if (upload) checkSizeBeforeSending(upload);

// A box that scrolls sideways (macros.html: scrolls_sideways) is a named region in the tab order only while its content
// is wider than it: a keyboard needs to reach it to scroll it, but a box whose content fits would be one more tab stop,
// and one more region announced as scrolling, for nothing. The server marks every box so, for a browser without
// JavaScript. Checked again whenever the box or its content changes size (a narrower window, a font loaded late, a tab
// panel shown: a box in a hidden panel has no width at all).
const marks = new WeakMap(); // box → the attributes the server gave it that make it a named region in the tab order
const opened = new WeakSet();

function fit(box) {
  if (!marks.has(box)) {
    const names = ["tabindex", "role", "aria-labelledby", "aria-describedby"].filter((name) => box.hasAttribute(name));
    marks.set(box, names.map((name) => [name, box.getAttribute(name)]));
  }
  const overflows = box.scrollWidth > box.clientWidth;
  for (const [name, value] of marks.get(box)) {
    if (overflows) box.setAttribute(name, value);
    else box.removeAttribute(name);
  }
  // A chart too wide for its box opens at its latest year, the first time it is seen; its scale stays in view beside it.
  if (overflows && "startAtEnd" in box.dataset && !opened.has(box)) {
    box.scrollLeft = box.scrollWidth;
    opened.add(box);
  }
}

const resized = new ResizeObserver((entries) => {
  for (const entry of entries) fit(entry.target.closest(".cg-table-scroll"));
});
for (const box of document.querySelectorAll(".cg-table-scroll")) {
  fit(box);
  resized.observe(box);
  if (box.firstElementChild) resized.observe(box.firstElementChild);
}

// An import's progress panel (imports/_progress.html) is replaced every two seconds while the import runs, so it holds
// no live region. The page's own, which stays, is given the panel's words (data-said) only when they change: when the
// import starts, or has waited too long to start; not at each replacement, nor as its share done goes up.
const progressSaid = document.getElementById("import-progress-said");
const progressPanel = document.getElementById("import-progress");
if (progressSaid && progressPanel) {
  let said = progressPanel.dataset.said;
  new MutationObserver(() => {
    const now = document.getElementById("import-progress")?.dataset.said;
    if (now && now !== said) {
      said = now;
      progressSaid.textContent = now;
    }
  }).observe(progressPanel.parentElement, { childList: true });
}
