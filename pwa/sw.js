// Sidewise service worker: keeps the app shell of one deploy in a cache named after its
// content hash, serves it offline, hands over to a new deploy only when the page asks, and
// shows reminders pushed by the server.
// The server fills in the shell ({version, files}) below when it serves this file.
const SHELL = __SHELL__;
const CACHE = `sidewise-shell-${SHELL.version}`;
const SHELL_PATHS = new Set(SHELL.files);
const shellFile = (name) => SHELL.files.find((path) => path.endsWith(name));
// notificationFromPush and openApp: a classic script, as workers get no import map.
importScripts(shellFile("/worker/notifications.js"));
const ICON = shellFile("/icons/icon-192.png");
// The shell's versioned prefix ("/v/<hash>"): the manifest names its icons by plain paths,
// which offline come from the same cached files.
const PREFIX = shellFile("/js/main.js").slice(0, -"/js/main.js".length);
// The one API answer kept for offline use: exercise names for the picker.
const CATALOGUE = "/api/catalogue";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await cache.addAll(SHELL.files);
      await cache.add(CATALOGUE).catch(() => undefined);
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((n) => n.startsWith("sidewise-shell-") && n !== CACHE)
          .map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
});

async function cacheFirst(request, key = request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(key)) ?? fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The page always comes from the same deploy as the files it loads.
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(cacheFirst(request, "/"));
  } else if (url.pathname === CATALOGUE) {
    event.respondWith(networkFirst(request));
  } else if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (SHELL_PATHS.has(PREFIX + url.pathname)) {
    event.respondWith(cacheFirst(request, PREFIX + url.pathname));
  }
});

self.addEventListener("push", (event) => {
  const [title, options] = notificationFromPush(event.data?.text(), self.location.origin, ICON);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openApp(self.clients, event.notification.data?.url ?? "/"));
});
