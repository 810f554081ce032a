// Exercise names as people type them: matched ignoring case and accents, unique per account.

/** Lower case without accents, for matching what people type. */
export const folded = (text) =>
  String(text)
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .trim();

/** The catalogue or custom exercise already called `name` (ignoring case and accents), or null. */
export const takenName = (name, catalogue, customs) =>
  [...catalogue, ...customs].find((e) => e.name && folded(e.name) === folded(name)) ?? null;
