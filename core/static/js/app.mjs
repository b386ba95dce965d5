import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// A chart too wide for the screen opens at its latest year (its box scrolls sideways to the earlier ones).
for (const box of document.querySelectorAll("[data-start-at-end]")) {
  box.scrollLeft = box.scrollWidth;
}
