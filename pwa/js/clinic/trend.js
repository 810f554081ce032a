// The LSI trend as an SVG picture for the printed report: it prints crisply at any size and
// needs no canvas. One polyline per exercise over the report's days, the 90 % line dashed.
const W = 640;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

function dayNumber(day) {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 864e5;
}

/** {width, height, lines: [{exercise, points}], ticks: [{y, label}], band, first, last}. */
export function trendGeometry(charts) {
  const sessions = charts.flatMap((c) => c.lsi.map((s) => ({ ...s, exercise: c.exercise })));
  if (sessions.length === 0) return null;
  const days = sessions.map((s) => dayNumber(s.day));
  const first = Math.min(...days);
  const last = Math.max(...days);
  const values = sessions.map((s) => s.lsi_x10 / 10);
  const lo = Math.min(80, Math.floor(Math.min(...values) / 10) * 10);
  const hi = Math.max(110, Math.ceil(Math.max(...values) / 10) * 10);
  const wide = W - PAD.left - PAD.right;
  const x = (d) => PAD.left + ((d - first) / Math.max(1, last - first)) * wide;
  const y = (v) => PAD.top + ((hi - v) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const lines = charts
    .filter((c) => c.lsi.length)
    .map((c) => ({
      exercise: c.exercise,
      points: c.lsi.map((s) => `${x(dayNumber(s.day)).toFixed(1)},${y(s.lsi_x10 / 10).toFixed(1)}`),
    }));
  const ticks = [];
  for (let v = lo; v <= hi; v += 10) ticks.push({ y: y(v), label: `${v} %` });
  const label = (d) => new Date(d * 864e5).toISOString().slice(0, 10);
  return { width: W, height: H, pad: PAD, lines, ticks, band: y(90), from: label(first),
    to: label(last) };
}
