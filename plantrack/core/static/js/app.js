// Starts GOV.UK Frontend's components. Pages work without this; it only adds behaviour.
import { initAll } from "/static/dist/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Signing out forgets the phone pages kept for use with no signal (plantrack/mobile): they hold
// the user's actions. Entries not yet sent stay, kept per user, for when they sign in again.
// So does reaching the sign-in page any other way (the session ran out).
if ("caches" in window && document.querySelector("[data-sign-in-page]")) {
  caches.delete("plantrack-m-pages");
}
for (const form of document.querySelectorAll('form[action$="/accounts/logout/"]')) {
  // Started as the form goes, not waited for: holding the submit back raced other navigation.
  // The sign-in page it lands on deletes them too (above), and so does the service worker.
  form.addEventListener("submit", () => {
    if ("caches" in window) caches.delete("plantrack-m-pages");
  });
}
