// What a routine or a workout holds: exercises in order, each with its planned rows of
// left/right pairs, stored as two compact lists ("a,b" and "3,4") since values are scalars.

export const DEFAULT_ROWS = 3;
export const MAX_ROWS = 99;

/** "a,b" → ["a", "b"]; "" or a missing field → []. */
export const splitList = (text) => (typeof text === "string" && text ? text.split(",") : []);

/** [{exercise, rows}] of a routine or workout record. */
export function planOf(record) {
  const rows = splitList(record?.rows).map(Number);
  return splitList(record?.exercises).map((exercise, i) => ({
    exercise,
    rows: Number.isInteger(rows[i]) ? rows[i] : DEFAULT_ROWS,
  }));
}

/** The stored fields of [{exercise, rows}]. */
export function planFields(items) {
  return {
    exercises: items.map((item) => item.exercise).join(","),
    rows: items.map((item) => Math.min(MAX_ROWS, Math.max(0, item.rows))).join(","),
  };
}

/** Change the rows of one exercise (adding or removing a row, never below `min`). */
export const withRows = (items, exercise, rows, min = 0) =>
  items.map((item) =>
    item.exercise === exercise ? { ...item, rows: Math.min(MAX_ROWS, Math.max(min, rows)) } : item,
  );

export const withExercise = (items, exercise, rows = DEFAULT_ROWS) =>
  items.some((item) => item.exercise === exercise) ? items : [...items, { exercise, rows }];

export const withoutExercise = (items, exercise) =>
  items.filter((item) => item.exercise !== exercise);
