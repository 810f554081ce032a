// The three charts of an exercise, drawn by uPlot on canvases. uPlot loads on the first chart
// shown, so starting the app never waits for it; the service worker keeps it offline like the
// rest of the shell. Canvases are hidden from screen readers: the Charts screen's summary says
// the same in words.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { colours } from "./palette.js";
import { LSI_MIN_PCT } from "../insight/series.js";
import { formatE1rm, inUnit, sideName } from "../units.js";

// The theme's colours when a chart is made (a canvas cannot read CSS variables).
let BAND, GRID, LOW, LSI_LINE, PAGE, SIDE_COLOURS, TEXT;
const useColours = () => ({ BAND, GRID, LOW, LSI_LINE, PAGE, SIDE_COLOURS, TEXT } = colours());
// Pressing this long on a chart reads the point under the finger.
const HOLD_MS = 350;

const RIGHT_DASH = [8, 5];
const HEIGHT = 220;
const DAY_S = 86_400;
const FONT = "14px system-ui, sans-serif";

// uPlot's stylesheet comes from the same deploy as this module (the CSP allows 'self' only).
const STYLESHEET = new URL("../../vendor/uplot/uPlot.css", import.meta.url).href;
let loading = null;

function stylesheet(href) {
  return new Promise((resolve) => {
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
    link.onload = link.onerror = resolve; // without it the charts still draw, only less tidy
    document.head.append(link);
  });
}

const loadUPlot = () =>
  (loading ??= Promise.all([import("uplot"), stylesheet(STYLESHEET)]).then(([m]) => m.default));

/** Seconds at local midnight of "YYYY-MM-DD": uPlot shows times in the device's zone, the zone
 * the days were computed in. */
function daySeconds(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d).getTime() / 1000;
}

const DATE = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const LONG_DATE = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
const dateTicks = (u, splits) => splits.map((s) => DATE.format(s * 1000));
// "10 Nov" in 14 px is about 46 px wide: ticks at least this far apart never touch.
const X_TICK_SPACE = 72;

function axes(yValues, xSplits) {
  const axis = { stroke: TEXT, font: FONT, grid: { stroke: GRID, width: 1 } };
  return [
    {
      ...axis,
      values: dateTicks,
      splits: xSplits,
      space: X_TICK_SPACE,
      ticks: { stroke: GRID, width: 1 },
    },
    { ...axis, values: yValues, size: 66, ticks: { stroke: GRID, width: 1 } },
  ];
}

// Week ticks on the Mondays the bars stand for, thinned to one per X_TICK_SPACE px.
const mondays = (xs) => (u) => {
  const every = Math.ceil((xs.length * X_TICK_SPACE * devicePixelRatio) / u.bbox.width) || 1;
  return xs.filter((x, i) => (xs.length - 1 - i) % every === 0);
};

/** A horizontal line at `value` across the plot, under the series. */
function hline(u, value, colour, dash) {
  const y = u.valToPos(value, "y", true);
  const { left, width } = u.bbox;
  u.ctx.save();
  u.ctx.strokeStyle = colour;
  u.ctx.lineWidth = 2 * devicePixelRatio;
  u.ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
  u.ctx.beginPath();
  u.ctx.moveTo(left, y);
  u.ctx.lineTo(left + width, y);
  u.ctx.stroke();
  u.ctx.restore();
}

// With one day or one week, uPlot would have no width to spread; pad the time axis.
const padded = (pad) => (u, min, max) => [min - pad, max + pad];

function span(values, floor = 0) {
  const present = values.filter((v) => v != null);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  const pad = (hi - lo) * 0.15 || hi * 0.1 || 1;
  return [Math.max(floor, lo - pad), hi + pad];
}

const line = (label, colour, dash) => ({
  label,
  stroke: colour,
  width: 3,
  dash,
  points: { show: true, size: 8, fill: colour, stroke: colour },
});

// Points only, hollow and larger: drawn over the filled point of the same day.
const ring = (label, colour) => ({
  label,
  stroke: colour,
  paths: () => null,
  points: { show: true, size: 14, width: 2, stroke: colour, fill: PAGE },
});

// A side's line joins its sessions up to two weeks apart; a longer pause (an injury, a
// holiday) stays a gap rather than a slope nobody lifted. uPlot joins over `undefined` and
// breaks at `null`.
const JOIN_S = 14 * DAY_S;

function joinShortPauses(xs, ys) {
  const out = [...ys];
  let last = -1; // index of the previous value
  ys.forEach((y, i) => {
    if (y === null) return;
    if (last >= 0 && xs[i] - xs[last] <= JOIN_S) out.fill(undefined, last + 1, i);
    last = i;
  });
  return out;
}

/** Left and right daily best e1RM (hollow rings mark estimates from more than 12 reps), and the
 * injured limb's pre-injury best as a dashed line in its colour. */
export function e1rmPlot(data, unit) {
  useColours();
  const days = [...new Set(data.days.map((b) => b.day))];
  const xs = days.map(daySeconds);
  const at = new Map(data.days.map((b) => [`${b.day} ${b.side}`, b]));
  const column = (side, keep) =>
    days.map((day) => {
      const b = at.get(`${day} ${side}`);
      return b && keep(b) ? inUnit(b.e1rm_g, unit) : null;
    });
  const joined = (side) => joinShortPauses(xs, column(side, () => true));
  const baseline = data.baseline && inUnit(data.baseline.e1rm_g, unit);
  const values = [...column("left", () => true), ...column("right", () => true), baseline];
  // Each side's best ever day, marked with a star above its point.
  const bests = ["left", "right"].map((side) => {
    const ys = column(side, () => true);
    const top = Math.max(...ys.filter((y) => y != null));
    return [side, ys.indexOf(top)];
  });
  const stars = (u) => {
    u.ctx.save();
    u.ctx.font = `${18 * devicePixelRatio}px system-ui, sans-serif`;
    u.ctx.textAlign = "center";
    for (const [side, i] of bests) {
      if (i < 0) continue;
      u.ctx.fillStyle = SIDE_COLOURS[side];
      const y = u.valToPos(u.data[side === "left" ? 1 : 2][i], "y", true);
      u.ctx.fillText("★", u.valToPos(xs[i], "x", true), y - 10 * devicePixelRatio);
    }
    u.ctx.restore();
  };
  const read = (i) => {
    const side = (s) => {
      const b = at.get(`${days[i]} ${s}`);
      return b ? `${sideName(s)} ${formatE1rm(b.e1rm_g, unit)}` : null;
    };
    return [LONG_DATE.format(xs[i] * 1000), side("left"), side("right")].filter(Boolean).join(" · ");
  };
  return {
    opts: {
      series: [
        {},
        line("Left", SIDE_COLOURS.left),
        line("Right", SIDE_COLOURS.right, RIGHT_DASH),
        ring("Left, low confidence", SIDE_COLOURS.left),
        ring("Right, low confidence", SIDE_COLOURS.right),
      ],
      scales: { x: { time: true, range: padded(DAY_S) }, y: { range: () => span(values) } },
      axes: axes((u, splits) => splits.map((v) => `${+v.toFixed(1)}`)),
      hooks: {
        drawClear: baseline
          ? [(u) => hline(u, baseline, SIDE_COLOURS[data.baseline.side], [2, 6])]
          : [],
        draw: [stars],
      },
    },
    read,
    data: [
      xs,
      joined("left"),
      joined("right"),
      column("left", (b) => b.low_confidence),
      column("right", (b) => b.low_confidence),
    ],
  };
}

/** LSI per session with the band from 90 % up shaded; sessions below 90 % marked in red. */
export function lsiPlot(data) {
  useColours();
  const xs = data.lsi.map((s) => daySeconds(s.day));
  const pct = data.lsi.map((s) => s.lsi_x10 / 10);
  const [lo, hi] = span(pct);
  const band = (u) => {
    const y = u.valToPos(LSI_MIN_PCT, "y", true);
    const { left, top, width } = u.bbox;
    u.ctx.fillStyle = BAND;
    if (y > top) u.ctx.fillRect(left, top, width, y - top);
    hline(u, LSI_MIN_PCT, TEXT, [6, 4]);
  };
  return {
    opts: {
      series: [
        {},
        line("LSI", LSI_LINE),
        ring("Below 90 %", LOW),
      ],
      scales: {
        x: { time: true, range: padded(DAY_S) },
        y: { range: () => [Math.min(lo, LSI_MIN_PCT - 10), Math.max(hi, 105)] },
      },
      axes: axes((u, splits) => splits.map((v) => `${v} %`)),
      hooks: { drawClear: [band] },
    },
    read: (i) => `${LONG_DATE.format(xs[i] * 1000)} · LSI ${pct[i].toFixed(1)} %`,
    data: [xs, pct, data.lsi.map((s, i) => (s.low ? pct[i] : null))],
  };
}

/** Weekly volume load per side as bars, left of the week's tick then right of it. */
export function volumePlot(data, unit, bars) {
  useColours();
  const weeks = data.volume;
  const bar = (label, side, align) => ({
    label,
    stroke: SIDE_COLOURS[side],
    fill: SIDE_COLOURS[side],
    width: 0,
    paths: bars({ size: [0.35, 28], align }),
    points: { show: false },
  });
  const xs = weeks.map((w) => daySeconds(w.week_start));
  const left = weeks.map((w) => inUnit(w.left, unit));
  const right = weeks.map((w) => inUnit(w.right, unit));
  return {
    opts: {
      series: [{}, bar("Left", "left", -1), bar("Right", "right", 1)],
      scales: {
        x: { time: true, range: padded(4 * DAY_S) },
        y: { range: () => [0, Math.max(...left, ...right, 1) * 1.1] },
      },
      axes: axes((u, splits) => splits.map((v) => Math.round(v).toLocaleString()), mondays(xs)),
    },
    read: (i) =>
      `Week of ${LONG_DATE.format(xs[i] * 1000)} · Left ${Math.round(left[i]).toLocaleString()} ${unit}` +
      ` · Right ${Math.round(right[i]).toLocaleString()} ${unit}`,
    data: [xs, left, right],
  };
}

/**
 * One chart: `make(uPlot)` returns {opts, data, read}. The container fills its width and
 * follows resizes; `data-drawn` tells tests the canvas holds the current drawing. Pressing and
 * holding (or dragging after the hold) reads the nearest point into text below the chart.
 */
export function Plot({ testId, make }) {
  const box = useRef(null);
  const plotRef = useRef(null);
  const [reading, setReading] = useState(null);
  // Redrawn in the new colours when the theme changes.
  const [theme, setTheme] = useState(document.documentElement.dataset.theme);
  useEffect(() => {
    const watch = new MutationObserver(() => setTheme(document.documentElement.dataset.theme));
    watch.observe(document.documentElement, { attributeFilter: ["data-theme"] });
    return () => watch.disconnect();
  }, []);
  useEffect(() => {
    let plot = null;
    let gone = false;
    // A resize may still be queued when the screen is left: the box is gone by then.
    const observer = new ResizeObserver(() => {
      if (box.current) plot?.setSize({ width: box.current.clientWidth, height: HEIGHT });
    });
    loadUPlot().then((uPlot) => {
      if (gone || !box.current) return;
      const { opts, data, read } = make(uPlot);
      const drawn = () => box.current && (box.current.dataset.drawn = "true");
      plot = new uPlot(
        {
          ...opts,
          width: box.current.clientWidth,
          height: HEIGHT,
          legend: { show: false }, // the legend is HTML next to the chart
          cursor: { show: false },
          hooks: { ...opts.hooks, draw: [...(opts.hooks?.draw ?? []), drawn] },
        },
        data,
        box.current,
      );
      plotRef.current = { plot, read };
      observer.observe(box.current);
    });
    return () => {
      gone = true;
      observer.disconnect();
      plot?.destroy();
      plotRef.current = null;
      delete box.current?.dataset.drawn;
    };
  }, [make, theme]);
  useEffect(() => setReading(null), [make]);

  const held = useRef(null); // {timer, on} while a finger is down
  const readAt = (clientX) => {
    const current = plotRef.current;
    if (!current) return;
    const { plot, read } = current;
    const x = clientX - plot.over.getBoundingClientRect().left;
    const i = plot.posToIdx(Math.max(0, Math.min(x, plot.over.clientWidth)));
    if (i != null && i >= 0 && i < plot.data[0].length) setReading(read(i));
  };
  const down = (e) => {
    const { clientX } = e;
    clearTimeout(held.current?.timer);
    held.current = { on: false, timer: setTimeout(() => {
      held.current.on = true;
      readAt(clientX);
    }, HOLD_MS) };
  };
  const move = (e) => held.current?.on && readAt(e.clientX);
  const up = () => {
    clearTimeout(held.current?.timer);
    held.current = null;
  };
  return html`<div class="plot" ref=${box} data-testid=${testId} aria-hidden="true"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up}
      onPointerLeave=${up} onContextMenu=${(e) => e.preventDefault()}></div>
    <p class="readout small" role="status" data-testid=${`${testId}-readout`}>
      ${reading ?? "Press and hold the chart to read a point."}
    </p>`;
}
