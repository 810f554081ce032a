// The client's recovery when the server refuses a device's stamps: `clock_skew` and
// `node_mismatch` refusals, and `unknown_device` (a server that forgot the device), each end
// with a new device id and every unacknowledged op re-stamped under a new op id, so the server
// holds every edit exactly once and the replica agrees with it. The syncer runs against
// real IndexedDB semantics (fake-indexeddb) and the stand-in server in sync-server.js.
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { register } from "node:module";
import { test } from "node:test";
import { SyncServer, installBrowser } from "./sync-server.js";

register("./idb-hook.js", import.meta.url);
const { createSyncer } = await import("../js/syncer.js");
const { deleteAccountDb, openAccountDb, readMeta, readQueue, readRows, writeEdits } = await import(
  "../js/db.js"
);

const MINUTE = 60_000;
const TIMEOUT = { timeout: 10_000 }; // a recovery that loops fails instead of hanging
let accounts = 0;

/** A signed-in phone with its own replica, a syncer, and the server; torn down after `t`. */
async function phone(t, { aheadMs = 0 } = {}) {
  const realNow = Date.now;
  const server = new SyncServer(realNow());
  const restore = installBrowser(server);
  Date.now = () => realNow() + aheadMs; // the phone's clock
  const accountId = ++accounts;
  const db = await openAccountDb(accountId);
  const statuses = [];
  const syncer = createSyncer({
    db,
    accountId,
    onChange: () => {},
    onStatus: (status) => statuses.push(status),
  });
  t.after(async () => {
    syncer.stop();
    db.close();
    await deleteAccountDb(accountId);
    Date.now = realNow;
    restore();
  });
  return { server, db, syncer, statuses };
}

/** `count` sets, 3 fields each, stamped by the phone's own clock. */
function sets(count, from = 0) {
  return Array.from({ length: count }, (_, i) => [
    { record_type: "set", record_id: `r${from + i}`, field: "reps", value: 8 + i },
    { record_type: "set", record_id: `r${from + i}`, field: "side", value: "left" },
    { record_type: "set", record_id: `r${from + i}`, field: "weight_g", value: 20_000 + i },
  ]).flat();
}

/** The server holds each edit exactly once, stamped by `device`, and the replica agrees. */
async function agreed(db, server, edits, device) {
  const held = [...server.log.values()];
  const key = (e) => `${e.record_id} ${e.field} ${JSON.stringify(e.value)}`;
  assert.deepEqual(held.map(key).sort(), edits.map(key).sort(), "every edit exactly once");
  assert.equal(new Set(held.map((op) => op.op_id)).size, held.length);
  for (const op of held) assert.ok(op.hlc.endsWith(device), `${op.hlc} is not ${device}'s`);
  const rows = new Map((await readRows(db)).map((r) => [`${r.record_id} ${r.field}`, r.hlc]));
  for (const op of held) assert.equal(rows.get(`${op.record_id} ${op.field}`), op.hlc);
  const queue = await readQueue(db);
  assert.equal(queue.waiting.size, 0, "the outbox is empty");
  assert.deepEqual(queue.rejected, []);
  assert.equal(queue.meta.node, device);
}

const AHEAD = "a phone clock ahead of the server re-stamps under a new device and new op ids";
test(AHEAD, TIMEOUT, async (t) => {
  const { server, db, syncer, statuses } = await phone(t, { aheadMs: 10 * MINUTE });
  const first = sets(4);
  const queued = await writeEdits(db, first, Date.now());
  await syncer.trigger();
  assert.deepEqual(statuses.at(-1), { state: "idle" });
  assert.equal(server.registered.length, 2, "refused once, then a new device");
  const [refusedDevice, device] = server.registered;
  assert.notEqual(refusedDevice, device);
  await agreed(db, server, first, device);
  const sent = new Set(server.log.keys());
  assert.ok(queued.every((op) => !sent.has(op.op_id)), "re-stamped ops carry new op ids");
  for (const op of server.log.values()) {
    const wall = Number(new Date(op.hlc.slice(0, 24)));
    assert.ok(wall <= server.nowMs + 5 * MINUTE, "stamped within the server's bound");
  }
  // Later edits follow the server's time too, under the same device.
  const later = sets(2, 10);
  await writeEdits(db, later, Date.now() - 10 * MINUTE);
  await syncer.trigger();
  assert.equal(server.registered.length, 2);
  await agreed(db, server, [...first, ...later], device);
});

for (const reason of ["node_mismatch", "clock_skew"]) {
  test(`a ${reason} refusal of a whole push is recovered with nothing lost`, TIMEOUT, async (t) => {
    const { server, db, syncer } = await phone(t);
    const before = sets(3);
    await writeEdits(db, before, Date.now());
    await syncer.trigger();
    const device = server.registered[0];
    await agreed(db, server, before, device);

    const after = sets(3, 3);
    await writeEdits(db, after, Date.now());
    server.refusals.push(reason);
    await syncer.trigger();
    assert.equal(server.registered.length, 2);
    const sent = [...server.log.values()];
    assert.ok(sent.slice(0, before.length).every((op) => op.hlc.endsWith(device)));
    // What was acknowledged stays as it was; only the refused ops moved to the new device.
    const key = (e) => `${e.record_id} ${e.field} ${JSON.stringify(e.value)}`;
    assert.deepEqual(sent.map(key).sort(), [...before, ...after].map(key).sort());
    assert.ok(sent.slice(before.length).every((op) => op.hlc.endsWith(server.registered[1])));
    assert.equal((await readQueue(db)).waiting.size, 0);
    assert.equal((await readMeta(db)).node, server.registered[1]);
  });
}

test("a server that forgot the device gets a new one and every unsent op", TIMEOUT, async (t) => {
  const { server, db, syncer } = await phone(t);
  const before = sets(2);
  await writeEdits(db, before, Date.now());
  await syncer.trigger();
  const forgotten = server.registered[0];
  server.devices.delete(forgotten); // restored from a backup older than the device
  const after = sets(2, 2);
  await writeEdits(db, after, Date.now());
  await syncer.trigger();
  assert.equal(server.registered.length, 2);
  const key = (e) => `${e.record_id} ${e.field} ${JSON.stringify(e.value)}`;
  const sent = [...server.log.values()];
  assert.deepEqual(sent.map(key).sort(), [...before, ...after].map(key).sort());
  assert.ok(sent.slice(before.length).every((op) => op.hlc.endsWith(server.registered[1])));
  assert.equal((await readQueue(db)).waiting.size, 0);
});

const STUBBORN = "a server that keeps refusing ends the sync with an error and keeps every edit";
test(STUBBORN, TIMEOUT, async (t) => {
  const { server, db, syncer, statuses } = await phone(t);
  const edits = sets(2);
  await writeEdits(db, edits, Date.now());
  server.refusals.push(...Array(10).fill("clock_skew"));
  await syncer.trigger();
  assert.equal(statuses.at(-1).state, "error");
  assert.equal(server.log.size, 0);
  const queue = await readQueue(db);
  assert.equal(queue.waiting.size, 2, "both sets still wait to be sent");
  assert.deepEqual(queue.rejected, []);
  assert.ok(server.pushes <= 5, `gave up after ${server.pushes} pushes`);
});
