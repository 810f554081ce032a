// Registers the service worker and offers a new deploy: once its worker has installed, the
// app shows "Update available — Reload"; Reload lets it take over, then loads the new version.
import { update } from "./store.js";

let registration = null;
let applying = false;

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  // Tests wait for html[data-sw="ready"]: the worker controls the page, so it works offline.
  const markReady = () => {
    if (navigator.serviceWorker.controller) document.documentElement.dataset.sw = "ready";
  };
  markReady();
  registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  // A waiting worker only matters when an older one controls this page.
  const offer = () => {
    if (registration.waiting && navigator.serviceWorker.controller) update({ updateReady: true });
  };
  offer();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => worker.state === "installed" && offer());
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (applying) location.reload();
    else markReady();
  });
  // A phone app stays open for days: look for a new deploy when it comes back to the front.
  window.addEventListener("focus", () => registration.update().catch(() => undefined));
}

export function applyUpdate() {
  if (!registration?.waiting) return location.reload();
  applying = true;
  registration.waiting.postMessage({ type: "skip-waiting" });
}
