// The part of a page someone was on (a tab of a school's results, #key-stage-2) is named by the address's fragment,
// which a browser never sends to the server: the `next` address the sign-in page is given when a session runs out
// lacks it, and signing in again went back to the page's first tab. The fragment is kept in the browser and added to
// `next` on the sign-in page, where the server checks that address as it checks any (core/next_page.py).

const KEY = "cg-return-fragment";
// Only a fragment that names an element by a plain id: a letter, then letters, digits, hyphens and underscores.
const SAFE = /^#[A-Za-z][\w-]{0,99}$/;

// Before going to sign in from this page (timeout-warning.mjs): its fragment, if safe, kept for this tab's next page.
export function keepFragment() {
  if (!SAFE.test(window.location.hash)) return;
  try {
    const page = window.location.pathname + window.location.search;
    window.sessionStorage.setItem(KEY, JSON.stringify({ page, fragment: window.location.hash }));
  } catch {
    // No storage (switched off): signing in goes back to the page, as without this.
  }
}

function keptFragment(page) {
  try {
    const kept = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    window.sessionStorage.removeItem(KEY);
    return kept?.page === page ? kept.fragment : "";
  } catch {
    return "";
  }
}

// On the sign-in page: its form's `next` (a page of this site, by its path) with the fragment kept for that page, or
// else the one the sign-in page's own address came with, as a browser keeps it when a page asked for again (reloaded
// after the session ran out) is sent to sign in. Read as the page opens: not a fragment the page's own links give it.
export function addFragmentToNext(input) {
  const next = input.value;
  const fragment = keptFragment(next) || window.location.hash;
  if (next.startsWith("/") && !next.includes("#") && SAFE.test(fragment)) input.value = next + fragment;
}
