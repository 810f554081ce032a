// Export from this device's copy (offline): the same CSV columns and JSON document the server
// streams, so the JSON imports back into Sidewise.
const COLUMNS = [
  "date", "time", "utc_offset", "time_zone", "exercise", "exercise_id", "side", "reps",
  "weight_kg", "weight_lb", "rpe", "eccentric_s", "warmup", "note", "set_id",
];
const TYPES = ["exercise", "set", "limb_status", "reminder", "alert"];
const GRAMS_PER_LB = 453.59237;

const pad = (n, width = 2) => String(n).padStart(width, "0");

/** `value / scale` with up to `places` decimals, trailing zeros dropped ("" for none). */
function fixed(value, scale, places) {
  if (!Number.isInteger(value)) return "";
  const text = (value / scale).toFixed(places);
  return places ? text.replace(/\.?0+$/, "") : text;
}

function cell(value) {
  const text = String(value ?? "");
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function localParts(ms) {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  return [
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`,
  ];
}

/** Every set (oldest first) as CSV in the device's zone; `name(id)` gives exercise names. */
export function setsCsv(sets, name, zone) {
  const lines = [COLUMNS.join(",")];
  const oldestFirst = [...sets].sort(
    (a, b) => a.performed_at - b.performed_at || (a.id < b.id ? -1 : 1),
  );
  for (const s of oldestFirst) {
    const weightLb = Number.isInteger(s.weight_g) ? (s.weight_g / GRAMS_PER_LB).toFixed(2) : "";
    const row = [
      ...localParts(s.performed_at),
      zone,
      name(s.exercise),
      s.exercise,
      s.side,
      s.reps ?? "",
      fixed(s.weight_g, 1000, 3),
      weightLb,
      fixed(s.rpe_x10, 10, 1),
      fixed(s.eccentric_ms, 1000, 3),
      s.warmup === true ? "yes" : "",
      s.note ?? "",
      s.id,
    ];
    lines.push(row.map(cell).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

/** The JSON document of every record the device holds. */
export function documentJson(replica, zone, nowMs) {
  const records = [];
  for (const type of TYPES) {
    for (const { id, ...fields } of replica.ofType(type)) {
      delete fields._deleted;
      records.push({ type, id, fields });
    }
  }
  return JSON.stringify({
    format: "sidewise",
    version: 1,
    exported_at: nowMs,
    time_zone: zone,
    records,
  });
}

/** Offer `text` as a file download. */
export function download(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
