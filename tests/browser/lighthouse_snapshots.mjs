// Lighthouse accessibility snapshots of many screens in one browser: a full navigation run per
// screen and theme would take minutes. Usage:
//   node lighthouse_snapshots.mjs <chromium> <profile dir> <base url> <themes,…> <screens,…>
// Prints one JSON line: [{screen, theme, shown_theme, url, score, failing: [audit ids]}].
import { snapshot } from "lighthouse";
import puppeteer from "puppeteer-core";

const [chromium, profile, base, themes, screens] = process.argv.slice(2);
const FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const browser = await puppeteer.launch({
  executablePath: chromium,
  userDataDir: profile,
  args: FLAGS,
  headless: "new",
  defaultViewport: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
});
const results = [];
try {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector("html[data-app=app]");
  for (const theme of themes.split(",")) {
    await page.evaluate((t) => localStorage.setItem("sidewise.theme", t), theme);
    await page.reload();
    await page.waitForSelector("html[data-app=app]");
    for (const screen of screens.split(",")) {
      await page.evaluate((s) => (location.hash = `#/${s}`), screen);
      // "clinician/12" is the clinician screen with an argument; data still loading is marked.
      await page.waitForSelector(`main[data-testid=screen-${screen.split("/")[0]}]`);
      await page.waitForFunction(() => !document.querySelector("main [data-loading]"));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
      const flow = await snapshot(page, {
        flags: {
          onlyCategories: ["accessibility"],
          screenEmulation: { disabled: true },
          formFactor: "mobile",
        },
      });
      const { lhr } = flow;
      const category = lhr.categories.accessibility;
      results.push({
        screen,
        theme,
        shown_theme: await page.evaluate(() => document.documentElement.dataset.theme),
        url: page.url(),
        version: lhr.lighthouseVersion,
        score: category.score,
        failing: category.auditRefs
          .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id].score ?? 1) < 1)
          .map((ref) => `${ref.id}: ${JSON.stringify(lhr.audits[ref.id].details?.items?.[0]?.node?.snippet ?? "")}`),
      });
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
