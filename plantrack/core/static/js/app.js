// Starts GOV.UK Frontend's components. Pages work without this; it only adds behaviour.
import { initAll } from "/static/dist/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
