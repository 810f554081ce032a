// App state and the actions screens call. Signing in picks the account's own on-device
// database; logging never needs the network; the syncer uploads when it can.
import * as api from "./api.js";
import {
  deleteAccountDb,
  dismissRejected,
  openAccountDb,
  readMeta,
  readQueue,
  readRows,
  setMeta,
  writeEdits,
} from "./db.js";
import { current } from "./insight/limbs.js";
import { Replica } from "./records.js";
import { newUuid7 } from "./sync/ids.js";
import { DELETED } from "./sync/merge.js";
import { applyDeferredStyles } from "./styles.js";
import { createSyncer } from "./syncer.js";
import { keepCurrent as keepPushCurrent, turnOff as turnOffPush } from "./push.js";

const ACCOUNT_KEY = "sidewise.account";

export const replica = new Replica();
let state = {
  screen: "loading", // loading | auth | app
  account: null, // {id, email}
  authExpired: false,
  units: "kg",
  formula: "epley", // how the charts estimate a 1RM: epley | brzycki
  catalogue: [],
  pending: 0,
  rejected: [],
  meta: {},
  sync: { state: "idle" },
  online: navigator.onLine,
  updateReady: false,
  toast: null, // {text, undo?}
  revision: 0, // bumps whenever records change
};
const listeners = new Set();
let session = null; // {db, syncer, channel} of the open account
// Ids of records with ops in the outbox: read with the queue, then kept up to date by each
// local edit, so a save does not read the outbox back.
let waiting = new Set();
// Local edits and reloads of the mirror run one at a time, so a reload never replaces the
// mirror with rows read before an edit that it then misses.
let queue = Promise.resolve();
const serially = (task) => (queue = queue.catch(() => undefined).then(task));

export const getState = () => state;
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
export function update(patch) {
  state = { ...state, ...patch };
  for (const listener of listeners) listener(state);
}

const savedAccount = () => {
  try {
    return JSON.parse(localStorage.getItem(ACCOUNT_KEY) ?? "null");
  } catch {
    return null;
  }
};

/** Reload the queue and, with `records`, the mirror (after another tab, a pull or a re-stamp
 * changed them). */
const refresh = (records = true) =>
  serially(async () => {
    if (!session) return;
    if (records) replica.load(await readRows(session.db));
    await showQueue(records);
  });

async function showQueue(recordsChanged) {
  const queued = await readQueue(session.db);
  const { rejected, meta } = queued;
  waiting = queued.waiting;
  update({
    pending: waiting.size,
    rejected,
    meta,
    units: meta.units ?? "kg",
    formula: meta.formula ?? "epley",
    revision: state.revision + (recordsChanged ? 1 : 0),
  });
}

function announce() {
  session?.channel.postMessage("changed");
}

async function openAccount(account) {
  localStorage.setItem(ACCOUNT_KEY, JSON.stringify(account));
  const db = await openAccountDb(account.id, () => db.close());
  const channel = new BroadcastChannel(`sidewise-account-${account.id}`);
  const syncer = createSyncer({
    db,
    accountId: account.id,
    onChange: (records) => refresh(records).then(announce),
    onStatus: (sync) => update({ sync, authExpired: sync.state === "paused" || state.authExpired }),
  });
  session = { db, syncer, channel };
  channel.onmessage = ({ data }) => (data === "signed-out" ? location.reload() : refresh());
  await applyDeferredStyles(); // the app's screens need the frame's and their own styles
  update({ account, screen: "app" });
  await refresh();
  syncer.trigger();
  followDeviceZone(account);
  keepPushCurrent(account.id, state.meta.node).catch(() => undefined);
}

/** The server counts this account's days (charts, alerts, reminders) in the zone of the device
 * in use; offline, the next start tries again. */
function followDeviceZone(account) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || account.time_zone === zone) return;
  api
    .setTimeZone(zone)
    .then((updated) => {
      if (state.account?.id !== updated.id) return;
      localStorage.setItem(ACCOUNT_KEY, JSON.stringify(updated));
      update({ account: updated });
    })
    .catch(() => undefined);
}

function closeAccount() {
  if (!session) return;
  session.syncer.stop();
  session.channel.close();
  session.db.close();
  session = null;
}

async function loadCatalogue() {
  try {
    update({ catalogue: await api.catalogue() });
  } catch {
    // Offline before the service worker kept a copy; names fall back to ids until online.
  }
}

/** Start: the last account on this device opens at once, online or not; the server is asked
 * afterwards whether its session still holds. */
export async function boot() {
  window.addEventListener("online", () => {
    update({ online: true });
    if (state.catalogue.length === 0) loadCatalogue();
  });
  window.addEventListener("offline", () => update({ online: false }));
  loadCatalogue();
  const saved = savedAccount();
  // Someone new sees the sign-in form at once; a live session found meanwhile opens the app.
  if (saved) await openAccount(saved);
  else update({ screen: "auth" });
  try {
    const current = await api.me();
    if (current.id !== saved?.id) {
      // No account here yet, or another tab signed in as someone else: follow the session.
      closeAccount();
      await openAccount(current);
    } else followDeviceZone(current);
  } catch (error) {
    if (saved && error instanceof api.ApiError && error.status === 401)
      update({ authExpired: true });
  }
}

/** Sign in or create an account; the same account again keeps its data and uploads the outbox. */
export async function signIn(mode, email, password) {
  const account =
    mode === "signup" ? await api.signUp(email, password) : await api.logIn(email, password);
  if (session && state.account?.id === account.id) {
    update({ authExpired: false, account });
    await session.syncer.resume();
    return;
  }
  closeAccount();
  await openAccount(account);
  update({ authExpired: false });
}

/** Sign out and wipe this device's copy, but only once every change has been uploaded;
 * `everywhere` ends every session of the account, on every device, too. */
export async function signOut(everywhere = false) {
  await refresh(false);
  if (state.pending > 0) {
    const n = state.pending;
    return (
      `Not signed out: changes to ${n} of your records are still waiting to upload. Connect ` +
      "and let Sidewise sync first — signing out now would delete them from this device."
    );
  }
  if (!navigator.onLine) return "You are offline. Signing out needs a connection.";
  // Reminders name the account's training: this device stops receiving them.
  await turnOffPush().catch(() => undefined);
  try {
    await (everywhere ? api.logOutEverywhere() : api.logOut());
  } catch (error) {
    if (error instanceof api.NetworkError)
      return "The server cannot be reached. Try again when online.";
  }
  await forgetAccount();
  return null;
}

/** Close the account and erase this device's copy of it (after sign-out or its deletion). */
export async function forgetAccount() {
  const { id } = state.account;
  session.channel.postMessage("signed-out");
  closeAccount();
  await deleteAccountDb(id);
  localStorage.removeItem(ACCOUNT_KEY);
  replica.load([]);
  waiting = new Set();
  update({ screen: "auth", account: null, authExpired: false, pending: 0, rejected: [], meta: {} });
}

const clockNow = () => Date.now() + (state.meta.offset_ms ?? 0);

/** One local edit of the fields of any number of records: `changes` are [type, id, values]. */
export async function editRecords(changes) {
  const edits = changes.flatMap(([record_type, record_id, values]) =>
    Object.entries(values).map(([field, value]) => ({ record_type, record_id, field, value })),
  );
  if (edits.length === 0) return;
  // Resolves once the edit is stored and shown, with its upload already counted and started
  // (in the same render: the sync chip's change does not cost the screen a second one).
  await serially(async () => {
    const ops = await writeEdits(session.db, edits, clockNow());
    replica.apply(ops);
    for (const op of ops) waiting.add(op.record_id);
    update({ pending: waiting.size, revision: state.revision + 1 });
    session.syncer.trigger();
    announce();
  });
}

const edit = (recordType, recordId, values) => editRecords([[recordType, recordId, values]]);

/** Log a set (now unless `performed_at` says when); empty optional fields are simply not
 * sent. Returns its id. */
export async function logSet(fields) {
  const id = newUuid7();
  const given = Object.entries(fields).filter(([, value]) => value != null);
  await edit("set", id, { performed_at: Date.now(), ...Object.fromEntries(given) });
  return id;
}

/** Send only the fields that changed. */
export async function editSet(id, fields) {
  const current = replica.record(id) ?? {};
  const changed = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => (current[key] ?? null) !== (value ?? null)),
  );
  await edit("set", id, changed);
}

export async function deleteSet(id, text = "Set deleted") {
  await edit("set", id, { [DELETED]: true });
  update({ toast: { text, undo: id } });
}

export async function restoreSet(id) {
  await edit("set", id, { [DELETED]: false });
  update({ toast: { text: "Set restored" } });
}

export async function addExercise({ name, limb, unilateral }) {
  const id = newUuid7();
  await edit("exercise", id, { name, limb, unilateral });
  return id;
}

/** Create (`id` null) or edit a reminder ({weekdays, local_time, tz, limb, exercises,
 * enabled}), sending only the fields that changed. Returns its id. */
export async function saveReminder(id, fields) {
  const current = (id && replica.record(id)) || {};
  const changed = Object.entries(fields).filter(([field, value]) => current[field] !== value);
  const recordId = id ?? newUuid7();
  await edit("reminder", recordId, Object.fromEntries(changed));
  return recordId;
}

export async function deleteReminder(id) {
  await edit("reminder", id, { [DELETED]: true });
  update({ toast: { text: "Reminder deleted" } });
}

/** Mark a limb injured, recovering or healthy since a day ({status, since, sessions_per_week}).
 * A limb keeps one record: the standing one is edited, and copies that devices made offline
 * are deleted in the same transaction. */
export async function setLimbStatus(limb, fields) {
  const records = replica.ofType("limb_status").filter((r) => r.limb === limb);
  const kept = current(records).get(limb);
  const changes = records
    .filter((r) => r !== kept)
    .map((r) => ["limb_status", r.id, { [DELETED]: true }]);
  const changed = Object.entries({ limb, ...fields }).filter(
    ([field, value]) => (kept?.[field] ?? null) !== value,
  );
  changes.push(["limb_status", kept?.id ?? newUuid7(), Object.fromEntries(changed)]);
  await editRecords(changes);
}

export async function setUnits(units) {
  await setMeta(session.db, "units", units);
  update({ units, meta: await readMeta(session.db) });
}

/** The loadable weight step of a unit on this device (Settings). */
export async function setIncrement(unit, step) {
  await setMeta(session.db, `increment_${unit}`, step);
  update({ meta: await readMeta(session.db) });
}

/** This device's rest timer: the default length and each exercise's own, in seconds. */
export async function setRest(exercise, seconds) {
  const rest = { ...(state.meta.rest ?? {}), [exercise ?? "default"]: seconds };
  await setMeta(session.db, "rest", rest);
  update({ meta: await readMeta(session.db) });
}

/** Estimate 1RMs with Epley or Brzycki on this device's charts. */
export async function setFormula(formula) {
  await setMeta(session.db, "formula", formula);
  update({ formula, meta: await readMeta(session.db) });
}

/** The one field of a server-written alert a client may change; syncs like any edit. */
export const acknowledgeAlert = (id) => edit("alert", id, { acknowledged: true });

export async function forgetRejected(opId) {
  await dismissRejected(session.db, opId);
  await refresh(false);
  announce();
}

export const syncNow = () => session?.syncer.trigger();
export const dismissToast = () => update({ toast: null });

/** Display name of a catalogue or custom exercise. */
export function exerciseName(id) {
  const builtIn = state.catalogue.find((e) => e.id === id);
  if (builtIn) return builtIn.name;
  return replica.record(id)?.name ?? "Unknown exercise";
}
