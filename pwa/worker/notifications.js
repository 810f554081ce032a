// What the service worker does with a push message and with a tap on its notification. A
// classic script that sw.js loads with importScripts (workers get no import map); each
// function is handed what it touches, so tests can run it without a browser.

const GENERIC = { title: "Sidewise", body: "Open Sidewise to see your reminder." };

const text = (value, max) =>
  typeof value === "string" && value.trim() !== "" ? value.slice(0, max) : null;

/** `raw` as an absolute URL of this app; anything else (another origin, a script URL, junk)
 * becomes the app's start page. */
function appUrl(raw, origin) {
  try {
    const url = new URL(raw ?? "/", origin);
    if (url.origin === origin) return url.href;
  } catch {
    // not a URL at all
  }
  return `${origin}/`;
}

/** [title, options] for `showNotification` from a push message's text ({title, body, tag,
 * url} as JSON). A bad payload still shows a generic notification: subscriptions are
 * userVisibleOnly, so every push must show one. */
function notificationFromPush(data, origin, icon) {
  let payload = null;
  try {
    payload = JSON.parse(data ?? "");
  } catch {
    payload = null;
  }
  const fields = payload !== null && typeof payload === "object" ? payload : {};
  const title = text(fields.title, 200) ?? GENERIC.title;
  const body = text(fields.body, 3000) ?? GENERIC.body;
  const tag = text(fields.tag, 200);
  const options = { body, icon, data: { url: appUrl(text(fields.url, 2000), origin) } };
  // A newer reminder for the same limb replaces the shown one, and still alerts.
  if (tag) Object.assign(options, { tag, renotify: true });
  return [title, options];
}

/** Show the app at `url`: an open window is focused and navigated there, else one opens. */
async function openApp(clients, url) {
  const windows = await clients.matchAll({ type: "window", includeUncontrolled: true });
  const client = windows.find((w) => w.focused) ?? windows[0];
  if (client) {
    // Focus needs the tap's user activation; a window that cannot take it still navigates.
    await client.focus().catch(() => undefined);
    try {
      if (await client.navigate(url)) return;
    } catch {
      // A window this worker does not control refuses navigate(): open a new one instead.
    }
  }
  await clients.openWindow(url);
}
