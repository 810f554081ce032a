// The stylesheets of the frame and the screens. index.html fetches them as print stylesheets,
// which do not hold up the first paint (the splash and the sign-in screen need base.css only);
// they apply to the screen as soon as they have loaded, and the app's screens wait for that, so
// none ever shows unstyled.

let applied = null;

/** Resolves once every deferred stylesheet has loaded (or failed) and applies. */
export function applyDeferredStyles() {
  applied ??= Promise.all(
    [...document.querySelectorAll("link[data-deferred]")].map(
      (link) =>
        link.sheet ??
        new Promise((resolve) => {
          link.addEventListener("load", resolve, { once: true });
          link.addEventListener("error", resolve, { once: true });
        }),
    ),
  ).then(() => {
    for (const link of document.querySelectorAll("link[data-deferred]")) link.media = "all";
  });
  return applied;
}
