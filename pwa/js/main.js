// Sidewise starts here: render at once from this device's data, then reach for the network.
import { render } from "preact";
import { App } from "./ui/app.js";
import { html } from "./ui/html.js";
import { boot } from "./store.js";
import { registerServiceWorker } from "./updates.js";
import { applyTheme } from "./theme.js";
import { applyDeferredStyles } from "./styles.js";

applyTheme();
applyDeferredStyles();
render(html`<${App} />`, document.getElementById("app"));
boot();
registerServiceWorker();
