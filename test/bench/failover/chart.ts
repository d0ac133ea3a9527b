// A self-contained SVG line chart (no script, no external font or stylesheet), for the benchmark's
// speedup figure in the README. X values are placed at equal steps in the order given (the sweeps
// double their parameter), the Y axis starts at zero.

export interface Series {
  readonly name: string;
  /** One value per x, in the order of `xs`. */
  readonly values: readonly number[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xs: readonly number[];
  readonly series: readonly Series[];
  /** Dashed reference lines, e.g. the paper's figures. */
  readonly references?: readonly { readonly label: string; readonly value: number }[];
}

const WIDTH = 920;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 340, top: 50, bottom: 60 };
// Colour-blind-safe (Okabe-Ito), distinguishable in greyscale by their markers too.
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
const MARKERS = ["circle", "square", "diamond", "triangle"] as const;
// Dashes keep lines that coincide visible: a later, dashed line leaves gaps onto the earlier one.
const DASHES = ["", "10 5", "3 4", "12 4 3 4"];

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Round tick step (1, 2 or 5 times a power of ten) giving about `count` ticks up to `max`. */
function tickStep(max: number, count: number): number {
  const raw = max / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function marker(kind: (typeof MARKERS)[number], x: number, y: number, colour: string): string {
  const at = (n: number) => n.toFixed(1);
  switch (kind) {
    case "circle":
      return `<circle cx="${at(x)}" cy="${at(y)}" r="4" fill="${colour}"/>`;
    case "square":
      return `<rect x="${at(x - 4)}" y="${at(y - 4)}" width="8" height="8" fill="${colour}"/>`;
    case "diamond":
      return `<path d="M${at(x)} ${at(y - 5)} L${at(x + 5)} ${at(y)} L${at(x)} ${at(y + 5)} L${at(x - 5)} ${at(y)} Z" fill="${colour}"/>`;
    case "triangle":
      return `<path d="M${at(x)} ${at(y - 5)} L${at(x + 5)} ${at(y + 4)} L${at(x - 5)} ${at(y + 4)} Z" fill="${colour}"/>`;
  }
}

/** The chart as an SVG document. Throws a RangeError when a series does not have one value per x. */
export function lineChartSvg(chart: LineChart): string {
  if (chart.xs.length === 0) throw new RangeError("a chart needs at least one x value");
  for (const s of chart.series) {
    if (s.values.length !== chart.xs.length) throw new RangeError(`series ${JSON.stringify(s.name)} has ${s.values.length} values for ${chart.xs.length} x values`);
    if (s.values.some((v) => !Number.isFinite(v))) throw new RangeError(`series ${JSON.stringify(s.name)} has a value that is not a finite number`);
  }
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const refs = chart.references ?? [];
  const maxValue = Math.max(1, ...chart.series.flatMap((s) => s.values), ...refs.map((r) => r.value));
  const step = tickStep(maxValue, 6);
  const yMax = Math.ceil((maxValue * 1.05) / step) * step;
  const xAt = (i: number) => MARGIN.left + (chart.xs.length === 1 ? plotW / 2 : (i * plotW) / (chart.xs.length - 1));
  const yAt = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="13">`);
  out.push(`<title>${escape(chart.title)}</title>`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${WIDTH / 2 - MARGIN.right / 2 + MARGIN.left / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escape(chart.title)}</text>`);
  // Grid and Y ticks.
  out.push(`<g class="y-axis" fill="#333">`);
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    const y = yAt(v).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${Number(v.toPrecision(6))}</text>`);
  }
  out.push(`</g>`);
  // X ticks.
  out.push(`<g class="x-axis" fill="#333">`);
  chart.xs.forEach((x, i) => {
    const px = xAt(i).toFixed(1);
    out.push(`<line x1="${px}" y1="${MARGIN.top + plotH}" x2="${px}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${px}" y="${MARGIN.top + plotH + 20}" text-anchor="middle">${escape(String(x))}</text>`);
  });
  out.push(`</g>`);
  // Axes and their labels.
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`);
  out.push(`<text class="x-label" x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 15}" text-anchor="middle">${escape(chart.xLabel)}</text>`);
  out.push(
    `<text class="y-label" x="18" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${MARGIN.top + plotH / 2})">${escape(chart.yLabel)}</text>`,
  );
  // Reference lines.
  for (const r of refs) {
    const y = yAt(r.value).toFixed(1);
    out.push(`<g class="reference"><line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="#777" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${MARGIN.left + plotW - 4}" y="${Number(y) - 6}" text-anchor="end" fill="#555" font-size="12">${escape(r.label)}</text></g>`);
  }
  // One polyline per series, with markers.
  chart.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const points = s.values.map((v, i) => `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`).join(" ");
    out.push(`<g class="series" data-name="${escape(s.name)}">`);
    const dash = DASHES[k % DASHES.length];
    out.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    s.values.forEach((v, i) => out.push(marker(MARKERS[k % MARKERS.length], xAt(i), yAt(v), colour)));
    out.push(`</g>`);
  });
  // Legend.
  const lx = MARGIN.left + plotW + 20;
  out.push(`<g class="legend">`);
  chart.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const y = MARGIN.top + 10 + k * 24;
    const dash = DASHES[k % DASHES.length];
    out.push(`<line x1="${lx}" y1="${y}" x2="${lx + 28}" y2="${y}" stroke="${colour}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    out.push(marker(MARKERS[k % MARKERS.length], lx + 14, y, colour));
    out.push(`<text x="${lx + 36}" y="${y}" dominant-baseline="middle">${escape(s.name)}</text>`);
  });
  out.push(`</g>`);
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}
