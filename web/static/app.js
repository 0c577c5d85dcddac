// GOV.UK Frontend's components (buttons, radios, error summary...) start here, as a file the Content-Security-Policy
// allows, rather than as the inline script the GOV.UK template guide shows.
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();
