/**
 * Last-writer-wins per field: the merge rule every replica applies; the twin of sync/merge.py.
 * Ties on HLC are broken by canonical value text so that every replica picks the same winner
 * whatever order the ops arrive in.
 *
 * State is a nested Map, record id -> (field -> {hlc, value}), rather than one flat map with a
 * joined key: no separator can collide with an id, and a record's fields are at hand for
 * `recordExists(state.get(recordId))`.
 *
 * @typedef {import("./canon.js").Scalar} Scalar
 * @typedef {{hlc: string, value: Scalar}} FieldValue
 * @typedef {Map<string, FieldValue>} Fields
 * @typedef {Map<string, Fields>} State
 * @typedef {{record_id: string, field: string, hlc: string, value: unknown}} Op
 */

import { canon, checkValue, compareBytes } from "./canon.js";

export const DELETED = "_deleted";

/**
 * Whether an op replaces the current value of its field.
 * @param {string} opHlc @param {Scalar} opValue @param {string} curHlc @param {Scalar} curValue
 */
export function wins(opHlc, opValue, curHlc, curValue) {
  // Encoded HLCs are ASCII, so code-unit order is byte order.
  if (opHlc !== curHlc) return opHlc > curHlc;
  return compareBytes(canon(opValue), canon(curValue)) > 0;
}

/**
 * Apply one op to `state`; true iff the state changed. The value must already have passed
 * `checkValue`.
 * @param {State} state @param {string} recordId @param {string} field
 * @param {string} hlc @param {Scalar} value @returns {boolean}
 */
export function mergeInto(state, recordId, field, hlc, value) {
  let fields = state.get(recordId);
  const cur = fields?.get(field);
  if (cur !== undefined && !wins(hlc, value, cur.hlc, cur.value)) return false;
  if (fields === undefined) {
    fields = new Map();
    state.set(recordId, fields);
  }
  fields.set(field, Object.freeze({ hlc, value }));
  return true;
}

/**
 * The state a replica reaches from `ops`; throws `InvalidValue` for an invalid value.
 * @param {Iterable<Op>} ops @returns {State}
 */
export function mergeAll(ops) {
  /** @type {State} */
  const state = new Map();
  for (const op of ops) mergeInto(state, op.record_id, op.field, op.hlc, checkValue(op.value));
  return state;
}

/**
 * A record exists once it has any field, until `_deleted` is true (restore sets false).
 * @param {Fields | undefined} fields
 */
export function recordExists(fields) {
  return fields !== undefined && fields.size > 0 && fields.get(DELETED)?.value !== true;
}

/**
 * The state as [recordId, field, hlc, canon] rows in UTF-8 byte order: the shape the shared
 * vectors record, and a stable way to compare two replicas.
 * @param {State} state @returns {[string, string, string, string][]}
 */
export function stateRows(state) {
  /** @type {[string, string, string, string][]} */
  const rows = [];
  for (const [recordId, fields] of state) {
    for (const [field, fv] of fields) rows.push([recordId, field, fv.hlc, canon(fv.value)]);
  }
  return rows.sort((a, b) => {
    for (let k = 0; k < 4; k++) {
      const c = compareBytes(a[k], b[k]);
      if (c !== 0) return c;
    }
    return 0;
  });
}
