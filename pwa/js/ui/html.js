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

const ROUTES = ["log", "history", "charts", "sync", "settings"];

/** [screen, argument] from the URL hash: "#/charts/single-leg-press" → ["charts", id]. */
function parseRoute(hash) {
  const [name, arg] = hash.replace(/^#\/?/, "").split("/");
  if (!ROUTES.includes(name)) return ["log", null];
  try {
    return [name, arg ? decodeURIComponent(arg) : null];
  } catch {
    return [name, null]; // a malformed escape: the screen's default
  }
}

/** The screen named in the URL hash (#/log, #/history, #/charts/<exercise>, #/sync,
 * #/settings) and its argument, if any. */
export function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return parseRoute(hash);
}
