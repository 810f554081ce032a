// Web Push on this device: whether it can work here, the browser's subscription, and its
// registration with the server, made with the server's current VAPID key. The subscription
// belongs to the browser, the registration to the signed-in account, so which account it was
// registered for (and with which key) is remembered here.
import * as api from "./api.js";

const KEY = "sidewise.push"; // {account, endpoint, key_id} of the registered subscription

const remembered = () => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "null");
  } catch {
    return null;
  }
};

/** The raw P-256 point of a base64url `applicationServerKey`. */
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (c) =>
    c.charCodeAt(0),
  );
}

function madeWith(subscription, key) {
  const used = subscription.options?.applicationServerKey;
  if (!used) return false;
  const bytes = new Uint8Array(used);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

/** "unsupported", "blocked" (the person refused notifications) or "ok". */
export function support() {
  const here = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!here) return "unsupported";
  return Notification.permission === "denied" ? "blocked" : "ok";
}

async function browserSubscription() {
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/** "on" when this browser's subscription is registered for `accountId`, else "off", or what
 * `support()` says; no network. */
export async function pushState(accountId) {
  const supported = support();
  if (supported !== "ok") return supported;
  const subscription = await browserSubscription();
  const known = remembered();
  const registered = known?.account === accountId && known.endpoint === subscription?.endpoint;
  return subscription && registered ? "on" : "off";
}

async function register(accountId, deviceId, { public_key, key_id }) {
  const registration = await navigator.serviceWorker.ready;
  const key = keyBytes(public_key);
  let subscription = await registration.pushManager.getSubscription();
  // A subscription is bound to the key it was made with; another key needs a new one.
  if (subscription && !madeWith(subscription, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: key,
  });
  const body = { ...subscription.toJSON(), ...(deviceId ? { device_id: deviceId } : {}) };
  const saved = await api.savePushSubscription(body);
  const entry = { account: accountId, endpoint: subscription.endpoint, key_id: saved.key_id };
  localStorage.setItem(KEY, JSON.stringify(entry));
}

/** Ask for permission, subscribe with the server's key and register the subscription.
 * Returns the new state; throws api errors (offline, no push on the server, a refused
 * endpoint) and the browser's own. */
export async function turnOn(accountId, deviceId) {
  const permission = await Notification.requestPermission();
  if (permission === "denied") return "blocked";
  if (permission !== "granted") return "off"; // the prompt was dismissed
  await register(accountId, deviceId, await api.vapidKey());
  return "on";
}

/** Unsubscribe this browser and tell the server. Offline, the push service answers the
 * server's next send with 410 Gone, and the server drops the endpoint then. */
export async function turnOff() {
  const subscription = await browserSubscription();
  localStorage.removeItem(KEY);
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  await api.deletePushSubscription(endpoint).catch((error) => {
    if (!(error instanceof api.NetworkError)) throw error;
  });
}

/** When the server's VAPID key changed since this browser registered, subscribe again with
 * the new one: pushes signed with the new key would not reach the old subscription. */
export async function keepCurrent(accountId, deviceId) {
  if ((await pushState(accountId)) !== "on") return;
  const server = await api.vapidKey();
  if (server.key_id !== remembered()?.key_id) await register(accountId, deviceId, server);
}
