// Module resolution for node tests of modules that import "idb" as the browser's import map
// names it: the vendored copy the app serves.
const IDB = new URL("../vendor/idb/idb.js", import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === "idb") return { url: IDB, shortCircuit: true };
  return next(specifier, context);
}
