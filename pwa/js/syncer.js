// Uploads the outbox and downloads other devices' changes: on open, focus, `online`, after each
// save, and with exponential backoff after a failure. One tab syncs at a time (Web Locks).
import { ApiError, NetworkError, pull, push, registerDevice } from "./api.js";
import { applyPull, outboxBatch, readMeta, restamp, setMeta, settlePush } from "./db.js";

const SCHEMA = 1;
const BATCH = 500;
const PAGE = 500;
// Refusals that a new node id and fresh stamps fix; any other refusal is final.
const RESTAMP_REASONS = new Set(["clock_skew", "node_mismatch"]);
const MAX_RESTAMPS = 3;
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5 * 60_000;
// A phone clock further ahead of the server than this stamps ops with the server's time.
const SKEW_TOLERANCE_MS = 60_000;

/**
 * @param {{db: import("idb").IDBPDatabase, accountId: number,
 *   onChange: (records: boolean) => void, onStatus: (status: object) => void}} options
 * `onChange(false)`: only the queue changed; `onChange(true)`: records changed too.
 */
export function createSyncer({ db, accountId, onChange, onStatus }) {
  let offsetMs = 0;
  let running = null;
  let again = false;
  let paused = false;
  let failures = 0;
  let timer = null;
  let restamps = 0;
  const now = () => Date.now() + offsetMs;

  async function newNode() {
    if (++restamps > MAX_RESTAMPS) throw new Error("the server keeps refusing this device's clock");
    const { device_id } = await registerDevice();
    await restamp(db, device_id, now());
    onChange(true);
    return device_id;
  }

  async function trackOffset(serverMs) {
    const diff = serverMs - Date.now();
    const next = diff < -SKEW_TOLERANCE_MS ? diff : 0;
    if (next !== offsetMs) await setMeta(db, "offset_ms", (offsetMs = next));
  }

  async function pushAll(node) {
    for (;;) {
      const ops = await outboxBatch(db, BATCH);
      if (ops.length === 0) return node;
      const answer = await push({ device_id: node, schema: SCHEMA, ops });
      await trackOffset(answer.server_time_ms);
      const needsRestamp = await settlePush(db, ops, answer, RESTAMP_REASONS);
      onChange(false);
      if (needsRestamp) node = await newNode();
    }
  }

  async function pullAll(node) {
    let { cursor = null } = await readMeta(db);
    for (;;) {
      const page = await pull({ device_id: node, cursor, limit: PAGE });
      if ((await applyPull(db, page, now())) > 0) onChange(true);
      cursor = page.cursor;
      if (!page.has_more) return;
    }
  }

  async function syncOnce() {
    const meta = await readMeta(db);
    offsetMs = meta.offset_ms ?? 0;
    restamps = 0;
    let node = meta.node ?? (await newNode());
    try {
      node = await pushAll(node);
      await pullAll(node);
    } catch (error) {
      // The server no longer knows this device (e.g. a restored database): start afresh.
      if (!(error instanceof ApiError && error.code === "unknown_device")) throw error;
      node = await pushAll(await newNode());
      await pullAll(node);
    }
  }

  function schedule() {
    const delay =
      Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    clearTimeout(timer);
    timer = setTimeout(trigger, delay);
    return Date.now() + delay;
  }

  function failed(error) {
    if (error instanceof ApiError && error.status === 401) {
      paused = true;
      onStatus({ state: "paused" });
    } else if (error instanceof NetworkError || !navigator.onLine) {
      onStatus({ state: "offline", retryAt: schedule() });
    } else {
      onStatus({ state: "error", error: error.message, retryAt: schedule() });
    }
  }

  const withLock = (body) =>
    navigator.locks ? navigator.locks.request(`sidewise-sync-${accountId}`, body) : body();

  /** Sync now, or once more right after the sync already running. */
  function trigger() {
    if (paused) return Promise.resolve();
    if (!navigator.onLine) {
      onStatus({ state: "offline" });
      return Promise.resolve();
    }
    if (running) {
      again = true;
      return running;
    }
    clearTimeout(timer);
    onStatus({ state: "syncing" });
    running = withLock(async () => {
      do {
        again = false;
        await syncOnce();
      } while (again);
    })
      .then(() => {
        failures = 0;
        onStatus({ state: "idle" });
      }, failed)
      .finally(() => {
        running = null;
      });
    return running;
  }

  const onVisible = () => document.visibilityState === "visible" && trigger();
  const onOffline = () => onStatus({ state: "offline" });
  window.addEventListener("online", trigger);
  window.addEventListener("offline", onOffline);
  window.addEventListener("focus", trigger);
  document.addEventListener("visibilitychange", onVisible);

  return {
    trigger,
    /** After signing in again: upload what waited. */
    resume() {
      paused = false;
      failures = 0;
      return trigger();
    },
    stop() {
      paused = true;
      clearTimeout(timer);
      window.removeEventListener("online", trigger);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("focus", trigger);
      document.removeEventListener("visibilitychange", onVisible);
    },
  };
}
