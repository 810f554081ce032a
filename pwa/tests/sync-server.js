// A stand-in for the Sidewise server's sync API, for node tests of the client's syncer: it
// registers devices and applies pushes with the server's checks (device bound to the account,
// HLC node = pushing device, at most 5 minutes ahead of its clock, op ids never change content),
// answers pulls, and can be told to refuse, like a restored database forgetting devices.
import { MAX_DRIFT_MS, encode, parse } from "../js/sync/hlc.js";
import { wins } from "../js/sync/merge.js";

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export class SyncServer {
  constructor(nowMs) {
    this.nowMs = nowMs; // the server's clock
    this.devices = new Set();
    this.registered = []; // device ids in the order they were issued
    this.log = new Map(); // op_id -> op, every op applied
    this.refusals = []; // reasons to refuse every op of the next pushes with, in turn
    this.pushes = 0;
    this.state = new Map(); // "record_id field" -> winning op
  }

  /** Every request the client makes goes here (installed as the global fetch). */
  fetch = async (path, { method = "GET", body } = {}) => {
    const data = body ? JSON.parse(body) : null;
    if (method === "POST" && path === "/api/devices") return this.register();
    if (method === "POST" && path === "/api/sync/push") return this.push(data);
    if (method === "POST" && path === "/api/sync/pull") return this.pull(data);
    return json(404, { code: "not_found", detail: `no ${method} ${path} here` });
  };

  register() {
    const id = Array.from({ length: 16 }, () => "0123456789abcdef"[(Math.random() * 16) | 0]);
    const device = id.join("");
    this.devices.add(device);
    this.registered.push(device);
    return json(201, { device_id: device });
  }

  serverHlc() {
    return encode({ wallMs: this.nowMs, counter: 0, node: "ffffffffffffffff" });
  }

  push({ device_id, ops }) {
    this.pushes += 1;
    if (!this.devices.has(device_id)) {
      return json(403, { code: "unknown_device", detail: "this device id is not registered" });
    }
    const forced = this.refusals.shift();
    const results = ops.map((op) => {
      if (forced) return { op_id: op.op_id, status: "rejected", reason: forced };
      const held = this.log.get(op.op_id);
      if (held) {
        const same = JSON.stringify(held) === JSON.stringify(op);
        return same
          ? { op_id: op.op_id, status: "duplicate" }
          : { op_id: op.op_id, status: "rejected", reason: "op_id_conflict" };
      }
      const hlc = parse(op.hlc);
      if (hlc.node !== device_id) {
        return { op_id: op.op_id, status: "rejected", reason: "node_mismatch" };
      }
      if (hlc.wallMs > this.nowMs + MAX_DRIFT_MS) {
        return { op_id: op.op_id, status: "rejected", reason: "clock_skew" };
      }
      this.log.set(op.op_id, op);
      const key = `${op.record_id} ${op.field}`;
      const cur = this.state.get(key);
      if (cur && !wins(op.hlc, op.value, cur.hlc, cur.value)) {
        return { op_id: op.op_id, status: "superseded" };
      }
      this.state.set(key, op);
      return { op_id: op.op_id, status: "applied" };
    });
    const refused = results.some((r) => r.status === "rejected");
    const answer = { results, server_hlc: this.serverHlc(), server_time_ms: this.nowMs };
    return json(refused ? 422 : 200, refused ? { code: "ops_rejected", ...answer } : answer);
  }

  pull({ device_id, cursor, limit }) {
    if (!this.devices.has(device_id)) {
      return json(403, { code: "unknown_device", detail: "this device id is not registered" });
    }
    const all = [...this.state.values()];
    const from = cursor ?? 0;
    const changes = all.slice(from, from + limit);
    return json(200, {
      changes,
      cursor: from + changes.length,
      has_more: from + changes.length < all.length,
      server_hlc: this.serverHlc(),
      reset: false,
    });
  }
}

/** The browser globals the syncer and the API client read, on globalThis; returns an undo. */
export function installBrowser(server) {
  const saved = {};
  const globals = {
    fetch: server.fetch,
    window: new EventTarget(),
    document: Object.assign(new EventTarget(), {
      cookie: "csrftoken=test-token",
      visibilityState: "visible",
    }),
    navigator: { onLine: true },
  };
  for (const [name, value] of Object.entries(globals)) {
    saved[name] = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  return () => {
    for (const [name, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete globalThis[name];
    }
  };
}
