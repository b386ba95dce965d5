// The warning before a signed-in session ends (WCAG 2.2.1, Timing adjustable), as GOV.UK services give it: a modal
// dialog, some minutes before, with a countdown, "Stay signed in" (which renews the session without leaving the page)
// and "Sign out". The page's clock starts at its own request, but the person may be working in another tab: before
// the dialog opens, and before anyone is sent to sign in, the server is asked how long the session really has left
// (a question that does not itself renew the session).
// However busy, a session ends at its absolute limit, some hours after signing in: staying signed in renews it no
// further. When that is the end coming, the dialog says so and offers "Continue" (until then) instead.

import { keepFragment } from "./fragment.mjs";

const WARNING_SECONDS = 5 * 60;
// A shorter session is warned of for most of its length, rather than for more than all of it.
const WARNING_SHARE = 0.8;

// To the second: '5 minutes', '1 minute and 12 seconds', '40 seconds'. Rounded up to whole minutes, a session whose
// warning opens with a time that is not (one of 90 seconds, warned of with 72 to go) was said to end 'in 2 minutes'.
function inWords(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const restWords = rest === 1 ? "1 second" : `${rest} seconds`;
  if (!minutes) return restWords;
  const minuteWords = minutes === 1 ? "1 minute" : `${minutes} minutes`;
  return rest ? `${minuteWords} and ${restWords}` : minuteWords;
}

// What a screen reader is told changes once a minute, and every 20 seconds in the last minute: not every second.
function spokenStep(seconds) {
  return seconds >= 60 ? Math.ceil(seconds / 60) * 60 : Math.ceil(seconds / 20) * 20;
}

export function warnBeforeSignOut(dialog) {
  const sessionSeconds = Number(dialog.dataset.sessionSeconds);
  const warningSeconds = Math.min(WARNING_SECONDS, sessionSeconds * WARNING_SHARE);
  const stayForm = dialog.querySelector("[data-stay-signed-in]");
  const carryOnButton = dialog.querySelector("[data-carry-on]");
  const countdown = dialog.querySelector("[data-countdown]");
  const spoken = dialog.querySelector("[data-countdown-spoken]");
  let limitAt = Date.now() + Number(dialog.dataset.limitSeconds) * 1000;
  let endsAt = Math.min(Date.now() + sessionSeconds * 1000, limitAt);
  // Whether the person chose to carry on until the absolute limit, so that the warning is not shown again.
  let carryingOn = false;
  let timer, ticker, spokenAt, focusedBefore;

  const secondsToGo = () => Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  // The end coming is the absolute limit (give or take the second the server's answers are rounded to).
  const atLimit = () => endsAt >= limitAt - 1000;

  function wait(seconds, then) {
    clearTimeout(timer);
    timer = setTimeout(then, Math.max(0, seconds * 1000));
  }

  // Signed out already, the request is sent to sign in (a redirect) rather than answered. With no answer (the network,
  // an error), the page's own reckoning stands.
  async function secondsLeft() {
    try {
      const response = await fetch(dialog.dataset.statusUrl, { headers: { Accept: "application/json" }, redirect: "manual" });
      if (response.type === "opaqueredirect") return 0;
      if (response.ok) {
        const status = await response.json();
        limitAt = Date.now() + status.seconds_to_limit * 1000;
        return status.seconds_left;
      }
    } catch {
      // as below
    }
    return secondsToGo();
  }

  async function check() {
    clearTimeout(timer);
    const left = await secondsLeft();
    endsAt = Date.now() + left * 1000;
    if (left <= 0) return signIn();
    if (carryingOn && atLimit()) {
      close();
      return wait(left, check);
    }
    if (left > warningSeconds) {
      close();
      return wait(left - warningSeconds, check);
    }
    open();
    // Asked again each minute while open (another tab may have renewed the session), and when the time is up.
    wait(Math.min(left, 60), check);
  }

  function tick() {
    const left = secondsToGo();
    countdown.textContent = inWords(left);
    if (left > 0 && spokenStep(left) !== spokenAt) {
      spokenAt = spokenStep(left);
      spoken.textContent = `For your security, we will sign you out in ${inWords(left)}.`;
    }
  }

  // "Stay signed in", or at the absolute limit, what it means and "Continue". The keyboard's focus is not left on a
  // button that has gone.
  function showWhichEnd() {
    const limit = atLimit();
    for (const part of dialog.querySelectorAll("[data-at-limit]")) part.hidden = !limit;
    for (const part of dialog.querySelectorAll("[data-renewable]")) part.hidden = limit;
    if (dialog.open && document.activeElement?.closest("[hidden]")) (limit ? carryOnButton : stayForm.querySelector("button")).focus();
  }

  function open() {
    showWhichEnd();
    if (dialog.open) return;
    spokenAt = undefined;
    tick();
    focusedBefore = document.activeElement;
    dialog.showModal();
    ticker = setInterval(tick, 1000);
  }

  function close() {
    clearInterval(ticker);
    if (!dialog.open && !focusedBefore) return;
    if (dialog.open) dialog.close();
    focusedBefore?.focus?.();
    focusedBefore = undefined;
  }

  async function staySignedIn() {
    try {
      const response = await fetch(stayForm.action, { method: "POST", body: new FormData(stayForm), redirect: "manual" });
      if (response.type === "opaqueredirect") return signIn();
      if (response.status !== 204) return check();
    } catch {
      return check();
    }
    endsAt = Math.min(Date.now() + sessionSeconds * 1000, limitAt);
    close();
    wait(secondsToGo() - warningSeconds, check);
  }

  // At the absolute limit: the dialog closes until then, when the person is sent to sign in.
  function carryOn() {
    carryingOn = true;
    close();
    wait(secondsToGo(), check);
  }

  // To the sign-in page, by asking for this page again: signed out, the server sends them there with the reason it
  // knows (the session ran out, or an administrator ended the account's access meanwhile), and back here afterwards,
  // to the same part of it (its fragment, kept for the sign-in page: asked for with it, the page would only scroll).
  function signIn() {
    keepFragment();
    window.location.assign(window.location.pathname + window.location.search);
  }

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  carryOnButton.addEventListener("click", carryOn);
  // Escape closes the dialog; it keeps the person signed in rather than leaving them to be signed out unwarned, or at
  // the absolute limit, carries on until then.
  dialog.addEventListener("cancel", () => (atLimit() ? carryOn() : staySignedIn()));
  // A tab in the background runs its timers late, if at all: coming back to it, the server says where things stand.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && secondsToGo() <= warningSeconds) check();
  });
  wait(secondsToGo() - warningSeconds, check);
}
