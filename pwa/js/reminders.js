// What a `reminder` record means ({weekdays, local_time, tz, limb, exercises, enabled}, see
// backend/domain/records.py): the weekday bitmask, the exercises a limb can be reminded of, and
// the words the Reminders screen shows.

/** Bit i of `weekdays` is DAYS[i]: bit 0 = Monday … bit 6 = Sunday. */
export const DAYS = [
  ["mon", "Mon", "Monday"],
  ["tue", "Tue", "Tuesday"],
  ["wed", "Wed", "Wednesday"],
  ["thu", "Thu", "Thursday"],
  ["fri", "Fri", "Friday"],
  ["sat", "Sat", "Saturday"],
  ["sun", "Sun", "Sunday"],
];
export const LIMBS = [
  ["left_leg", "Left leg"],
  ["right_leg", "Right leg"],
  ["left_arm", "Left arm"],
  ["right_arm", "Right arm"],
];
export const LIMB_NAME = Object.fromEntries(LIMBS);
const ALL_DAYS = 0b1111111;
const WEEKDAYS = 0b0011111;
const WEEKEND = 0b1100000;

export const hasDay = (mask, index) => (mask & (1 << index)) !== 0;
export const toggleDay = (mask, index) => mask ^ (1 << index);

/** "Every day", "Weekdays", "Weekends", or the days in order: "Mon, Wed, Fri". */
export function describeDays(mask) {
  if (mask === ALL_DAYS) return "Every day";
  if (mask === WEEKDAYS) return "Weekdays";
  if (mask === WEEKEND) return "Weekends";
  return DAYS.filter((_, i) => hasDay(mask, i))
    .map(([, short]) => short)
    .join(", ");
}

/** "arm" or "leg": the catalogue's `limb` kind of a reminder's limb. */
export const limbKind = (limb) => limb.split("_")[1];
export const limbSide = (limb) => limb.split("_")[0];

/** Catalogue and custom exercises ({id, name, limb}) of the limb's kind, catalogue first. */
export function exercisesFor(limb, catalogue, customs) {
  const kind = limbKind(limb);
  return [...catalogue, ...customs].filter((e) => e.limb === kind);
}

/** The stored comma-separated list as ids (empty text: none). */
export const exerciseIds = (text) => (text ? text.split(",") : []);

const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Reminders whose fields have all arrived (a sync may bring a record field by field), by time
 * of day, then limb. */
export function completeReminders(records) {
  return records
    .filter(
      (r) =>
        Number.isInteger(r.weekdays) &&
        typeof r.local_time === "string" &&
        typeof r.tz === "string" &&
        LIMB_NAME[r.limb] !== undefined,
    )
    .sort(
      (a, b) => order(a.local_time, b.local_time) || order(a.limb, b.limb) || order(a.id, b.id),
    );
}

/** The device's IANA time zone, the default for a new reminder. */
export const deviceZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** Every zone this browser knows, with `keep` (a stored or device zone) always among them. */
export function zoneChoices(keep) {
  const known = Intl.supportedValuesOf?.("timeZone") ?? [];
  return known.includes(keep) ? known : [keep, ...known];
}
