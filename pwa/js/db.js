// The on-device replica: one IndexedDB database per account, with the merged field state, the
// outbox of ops not yet acknowledged, ops the server refused, and meta (device node id, HLC
// clock, pull cursor, last sync, `seen_hlc`: the newest HLC the server is known to hold).
// Each function is one transaction, and none of them awaits the network inside it.
import { deleteDB, openDB } from "idb";
import { checkValue } from "./sync/canon.js";
import { encode, parse, receive, send } from "./sync/hlc.js";
import { newUuid7 } from "./sync/ids.js";
import { wins } from "./sync/merge.js";

/** Stamps edits made before the server has issued this device a node id; they are re-stamped
 * with the real node before upload. */
const PROVISIONAL_NODE = "0000000000000000";

const dbName = (accountId) => `sidewise-account-${accountId}`;

export function openAccountDb(accountId, onBlocking) {
  return openDB(dbName(accountId), 1, {
    upgrade(db) {
      db.createObjectStore("field_state", { keyPath: ["record_id", "field"] });
      db.createObjectStore("outbox", { keyPath: "op_id" });
      db.createObjectStore("rejected", { keyPath: "op.op_id" });
      db.createObjectStore("meta");
    },
    // Another tab wants to delete this account's data (sign-out): let it.
    blocking: onBlocking,
  });
}

export const deleteAccountDb = (accountId) => deleteDB(dbName(accountId));

/** Run `body(tx)` in one transaction; any error aborts it so nothing is half-written. */
async function inTx(db, stores, body) {
  const tx = db.transaction(stores, "readwrite");
  try {
    const result = await body(tx);
    await tx.done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    throw error;
  }
}

async function readClock(meta) {
  const text = await meta.get("clock");
  if (text) return parse(text);
  return { wallMs: 0, counter: 0, node: (await meta.get("node")) ?? PROVISIONAL_NODE };
}

/** Merge one change into the field state with the sync merge rule; true iff it won. */
async function mergeRow(store, { record_type, record_id, field, value, hlc }) {
  const cur = await store.get([record_id, field]);
  if (cur && !wins(hlc, value, cur.hlc, cur.value)) return false;
  await store.put({ record_type, record_id, field, value, hlc });
  return true;
}

const maxHlc = (a, b) => (a && a > b ? a : b);

export async function readMeta(db) {
  const keys = await db.getAllKeys("meta");
  const values = await db.getAll("meta");
  return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
}

export const setMeta = (db, key, value) => db.put("meta", value, key);

/** The upload queue as the screens show it: the ids of records with changes waiting, refused
 * ops, meta. */
export async function readQueue(db) {
  const tx = db.transaction(["outbox", "rejected"]);
  const [waiting, rejected] = await Promise.all([
    tx.objectStore("outbox").getAll(),
    tx.objectStore("rejected").getAll(),
  ]);
  await tx.done;
  const ids = new Set(waiting.map((op) => op.record_id));
  return { waiting: ids, rejected, meta: await readMeta(db) };
}

export const readRows = (db) => db.getAll("field_state");

/**
 * A local edit: stamp each {record_type, record_id, field, value} with the next HLC, merge it
 * into the state and queue it, together with the new clock, in one transaction. Every read is
 * asked for at once and the writes are not awaited one by one: a set of eight fields costs
 * two round trips to IndexedDB, not twenty-five.
 */
export async function writeEdits(db, edits, nowMs) {
  const checked = edits.map((edit) => ({ ...edit, value: checkValue(edit.value) }));
  return inTx(db, ["meta", "field_state", "outbox"], async (tx) => {
    const meta = tx.objectStore("meta");
    const state = tx.objectStore("field_state");
    const outbox = tx.objectStore("outbox");
    const [clockText, node, ...current] = await Promise.all([
      meta.get("clock"),
      meta.get("node"),
      ...checked.map((edit) => state.get([edit.record_id, edit.field])),
    ]);
    let clock = clockText
      ? parse(clockText)
      : { wallMs: 0, counter: 0, node: node ?? PROVISIONAL_NODE };
    // The winner so far of each field: an edit may name a field twice.
    const winners = new Map();
    const ops = checked.map((edit, i) => {
      clock = send(clock, nowMs);
      const op = { op_id: newUuid7(), ...edit, hlc: encode(clock) };
      const key = JSON.stringify([edit.record_id, edit.field]);
      const cur = winners.has(key) ? winners.get(key) : current[i];
      if (!cur || wins(op.hlc, op.value, cur.hlc, cur.value)) {
        const row = { record_type: op.record_type, record_id: op.record_id, field: op.field };
        winners.set(key, { ...row, value: op.value, hlc: op.hlc });
        state.put(winners.get(key));
      }
      outbox.put(op);
      return op;
    });
    meta.put(encode(clock), "clock");
    return ops;
  });
}

/** The oldest `limit` unacknowledged ops, in HLC order. */
export async function outboxBatch(db, limit) {
  const ops = await db.getAll("outbox");
  return ops.sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0)).slice(0, limit);
}

/**
 * Record a push answer: acknowledged ops leave the outbox, refused ones move to the rejected
 * list, except those that a new node id fixes (returned as true: re-stamp them).
 */
export async function settlePush(db, ops, answer, restampReasons) {
  const byId = new Map(ops.map((op) => [op.op_id, op]));
  return inTx(db, ["outbox", "rejected", "meta"], async (tx) => {
    let restamp = false;
    let newest = answer.server_hlc;
    for (const { op_id, status, reason } of answer.results) {
      const op = byId.get(op_id);
      if (!op) continue;
      if (status !== "rejected") {
        await tx.objectStore("outbox").delete(op_id);
        newest = maxHlc(newest, op.hlc);
      } else if (restampReasons.has(reason)) {
        restamp = true;
      } else {
        await tx.objectStore("outbox").delete(op_id);
        await tx.objectStore("rejected").put({ op, reason: reason ?? "rejected", at: Date.now() });
      }
    }
    const meta = tx.objectStore("meta");
    await meta.put(maxHlc(await meta.get("seen_hlc"), newest), "seen_hlc");
    return restamp;
  });
}

/**
 * Apply one pull page and its cursor together. The clock receives the newest HLC seen; the
 * server bounds what it hands out to its own time, so a phone whose clock runs late follows it.
 */
export async function applyPull(db, page, nowMs) {
  return inTx(db, ["field_state", "meta"], async (tx) => {
    const store = tx.objectStore("field_state");
    let changed = 0;
    let newest = page.server_hlc;
    for (const change of page.changes) {
      if (await mergeRow(store, change)) changed += 1;
      newest = maxHlc(newest, change.hlc);
    }
    const meta = tx.objectStore("meta");
    const clock = await readClock(meta);
    const now = Math.max(nowMs, parse(newest).wallMs);
    await meta.put(encode(receive(clock, newest, now)), "clock");
    await meta.put(maxHlc(await meta.get("seen_hlc"), newest), "seen_hlc");
    await meta.put(page.cursor, "cursor");
    await meta.put(Date.now(), "last_sync");
    return changed;
  });
}

/**
 * Adopt a new node id and re-stamp every unacknowledged op with it (after a clock-skew or
 * node refusal, or the first registration). Re-stamped ops get new op ids: the server may hold
 * the old ids with the old stamps, and an op id must never change content. The new clock
 * starts from the newest HLC the server holds, so new stamps still follow everything already
 * accepted (other devices' and this one's) yet stay within the server's clock bound; a field
 * whose local winner was the re-stamped op follows its new stamp.
 */
export async function restamp(db, node, nowMs) {
  return inTx(db, ["meta", "field_state", "outbox"], async (tx) => {
    const meta = tx.objectStore("meta");
    const outbox = tx.objectStore("outbox");
    const state = tx.objectStore("field_state");
    const seen = await meta.get("seen_hlc");
    let clock = { wallMs: 0, counter: 0, node };
    if (seen) clock = receive(clock, seen, Math.max(nowMs, parse(seen).wallMs));
    const ops = (await outbox.getAll()).sort((a, b) => (a.hlc < b.hlc ? -1 : 1));
    for (const op of ops) {
      clock = send(clock, nowMs);
      const fresh = { ...op, op_id: newUuid7(), hlc: encode(clock) };
      const cur = await state.get([op.record_id, op.field]);
      if (cur && cur.hlc === op.hlc) await state.put({ ...cur, hlc: fresh.hlc });
      await outbox.delete(op.op_id);
      await outbox.put(fresh);
    }
    await meta.put(node, "node");
    await meta.put(encode(clock), "clock");
    return ops.length;
  });
}

export const dismissRejected = (db, opId) => db.delete("rejected", opId);
