// The service worker's push and tap handling (pwa/worker/notifications.js, a classic script
// that sw.js loads with importScripts), run here in a bare context with fake window clients.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const ORIGIN = "https://sidewise.example";
const ICON = "/v/0123456789abcdef/icons/icon-192.png";
const worker = vm.createContext({ URL });
vm.runInContext(
  readFileSync(new URL("../worker/notifications.js", import.meta.url), "utf8"),
  worker,
);
const { notificationFromPush, openApp } = worker;
const show = (text) => {
  const [title, options] = notificationFromPush(text, ORIGIN, ICON);
  return { title, ...JSON.parse(JSON.stringify(options)) };
};

test("a reminder's payload becomes its notification", () => {
  const payload = {
    title: "Left leg day",
    body: "Single-leg press 3 × 8, slow eccentric",
    tag: "reminder-left_leg",
    url: "/#/log?exercise=single-leg-press&side=left",
  };
  assert.deepEqual(show(JSON.stringify(payload)), {
    title: "Left leg day",
    body: "Single-leg press 3 × 8, slow eccentric",
    icon: ICON,
    tag: "reminder-left_leg",
    renotify: true,
    data: { url: `${ORIGIN}/#/log?exercise=single-leg-press&side=left` },
  });
});

test("a bad payload still shows a notification that opens the app", () => {
  for (const text of [undefined, "", "not json", "null", "[1]", '"text"', '{"title": 7}']) {
    const shown = show(text);
    assert.equal(shown.title, "Sidewise", text);
    assert.match(shown.body, /Open Sidewise/);
    assert.equal(shown.tag, undefined);
    assert.deepEqual(shown.data, { url: `${ORIGIN}/` });
  }
});

test("a tap only ever opens this app", () => {
  const opened = (url) => show(JSON.stringify({ title: "t", body: "b", url })).data.url;
  assert.equal(opened("https://evil.example/#/log"), `${ORIGIN}/`);
  assert.equal(opened("javascript:alert(1)"), `${ORIGIN}/`);
  assert.equal(opened("//evil.example/"), `${ORIGIN}/`);
  assert.equal(opened(42), `${ORIGIN}/`);
  assert.equal(opened("/#/history"), `${ORIGIN}/#/history`);
});

/** Window clients as `self.clients` lists them; `calls` records what the worker did. */
function fakeClients(windows, calls) {
  const client = ({ focused = false, controlled = true, canFocus = true }, i) => ({
    focused,
    focus: async () => {
      calls.push(`focus ${i}`);
      if (!canFocus) throw new Error("InvalidAccessError: not allowed to focus");
    },
    navigate: async (url) => {
      if (!controlled) throw new TypeError("not controlled");
      calls.push(`navigate ${i} ${url}`);
      return {};
    },
  });
  return {
    matchAll: async (options) => {
      calls.push(`matchAll ${JSON.stringify(options)}`);
      return windows.map(client);
    },
    openWindow: async (url) => calls.push(`open ${url}`),
  };
}

test("a tap focuses the focused app window and navigates it", async () => {
  const calls = [];
  await openApp(fakeClients([{}, { focused: true }], calls), `${ORIGIN}/#/log`);
  assert.deepEqual(calls, [
    'matchAll {"type":"window","includeUncontrolled":true}',
    "focus 1",
    `navigate 1 ${ORIGIN}/#/log`,
  ]);
});

test("a window that cannot take focus still navigates", async () => {
  const calls = [];
  await openApp(fakeClients([{ canFocus: false }], calls), `${ORIGIN}/#/log`);
  assert.deepEqual(calls.slice(1), ["focus 0", `navigate 0 ${ORIGIN}/#/log`]);
});

test("with no app window, or one the worker does not control, a new one opens", async () => {
  let calls = [];
  await openApp(fakeClients([], calls), `${ORIGIN}/#/log`);
  assert.deepEqual(calls.slice(1), [`open ${ORIGIN}/#/log`]);
  calls = [];
  await openApp(fakeClients([{ controlled: false }], calls), `${ORIGIN}/#/log`);
  assert.deepEqual(calls.slice(1), ["focus 0", `open ${ORIGIN}/#/log`]);
});
