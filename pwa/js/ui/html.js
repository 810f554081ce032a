// Preact through htm tagged templates (no build step), plus the hooks every screen uses.
import { h } from "preact";
import { useEffect, useReducer, useState } from "preact/hooks";
import htm from "htm";
import { getState, subscribe } from "../store.js";

export const html = htm.bind(h);

/** The app state; the component re-renders when it changes. */
export function useStore() {
  const [, rerender] = useReducer((n) => n + 1, 0);
  useEffect(() => subscribe(rerender), []);
  return getState();
}

const ROUTES = [
  "log",
  "workout",
  "routines",
  "history",
  "charts",
  "sync",
  "settings",
  "injury",
  "reminders",
  "import",
  "clinician",
  "report",
];

/** [screen, argument, query] from the URL hash: "#/charts/single-leg-press" → ["charts", id];
 * "#/log?exercise=single-leg-press&side=left" → ["log", null, URLSearchParams]. */
function parseRoute(hash) {
  const [path, search] = hash.replace(/^#\/?/, "").split("?");
  const [name, arg] = path.split("/");
  if (!ROUTES.includes(name)) return ["log", null, new URLSearchParams()];
  const query = new URLSearchParams(search);
  try {
    return [name, arg ? decodeURIComponent(arg) : null, query];
  } catch {
    return [name, null, query]; // a malformed escape: the screen's default
  }
}

/** The screen named in the URL hash (#/log, #/history, #/charts/<exercise>, #/sync,
 * #/settings, #/injury, #/reminders, #/import), its argument, if any, and its query
 * (#/log?exercise=…&side=…). */
export function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return parseRoute(hash);
}
