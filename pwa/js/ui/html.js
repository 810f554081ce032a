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

const ROUTES = ["log", "history", "sync", "settings"];

function currentRoute() {
  const name = location.hash.replace(/^#\/?/, "");
  return ROUTES.includes(name) ? name : "log";
}

/** The screen named in the URL hash (#/log, #/history, #/sync, #/settings). */
export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return route;
}
