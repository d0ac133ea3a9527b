import { strict as assert } from "assert";
import * as sinon from "sinon";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { lineChartSvg, type LineChart } from "../../bench/failover/chart";

const CHART: LineChart = {
  title: "Speedup over serial failover",
  xLabel: "LUNs per LPAR",
  yLabel: "speedup (x)",
  xs: [1, 2, 4, 8],
  series: [
    { name: "serial", values: [1, 1, 1, 1] },
    { name: "parallel restart", values: [6.1, 5.2, 3.9, 2.7] },
    { name: "parallel restart + remap", values: [9.5, 7.7, 5.5, 3.4] },
  ],
  references: [{ label: "paper: 44x", value: 44 }],
};

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["g", "line", "text", "polyline", "circle", "rect", "path"].includes(name) });

function groups(svg: Node, cls: string): Node[] {
  return ((svg.g as Node[]) ?? []).filter((g) => g["@class"] === cls);
}

describe("benchmark chart (SVG line chart)", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  it("is a well-formed, self-contained SVG document with one line per mode", () => {
    // GIVEN three modes over four LUN counts
    // WHEN the chart is drawn
    const text = lineChartSvg(CHART);
    // THEN it is valid XML with an svg root in the SVG namespace, and nothing external
    assert.equal(XMLValidator.validate(text), true);
    const svg = parser.parse(text).svg as Node;
    assert.equal(svg["@xmlns"], "http://www.w3.org/2000/svg");
    assert.ok(!/<script|href=|@import|url\(/.test(text), "no script, link or external resource");
    // AND one polyline per mode, each through one point per x, named after its mode
    const series = groups(svg, "series");
    assert.deepEqual(series.map((g) => g["@data-name"]), CHART.series.map((s) => s.name));
    for (const g of series) {
      const lines = g.polyline as Node[];
      assert.equal(lines.length, 1);
      assert.equal(String(lines[0]["@points"]).split(" ").length, CHART.xs.length);
    }
    // AND a higher speedup is drawn higher (smaller y) on the same x
    const firstY = (g: Node) => Number(String((g.polyline as Node[])[0]["@points"]).split(" ")[0].split(",")[1]);
    assert.ok(firstY(series[2]) < firstY(series[1]) && firstY(series[1]) < firstY(series[0]));
  });

  it("labels both axes, every x value, and lists every mode in the legend", () => {
    const svg = parser.parse(lineChartSvg(CHART)).svg as Node;
    const texts = (svg.text as Node[]).map((t) => ({ cls: t["@class"], text: String(t["#text"]) }));
    assert.equal(texts.find((t) => t.cls === "x-label")?.text, "LUNs per LPAR");
    assert.equal(texts.find((t) => t.cls === "y-label")?.text, "speedup (x)");
    const xTicks = (groups(svg, "x-axis")[0].text as Node[]).map((t) => String(t["#text"]));
    assert.deepEqual(xTicks, ["1", "2", "4", "8"]);
    // Y ticks reach the highest value (the paper's 44x reference line)
    const yTicks = (groups(svg, "y-axis")[0].text as Node[]).map((t) => Number(t["#text"]));
    assert.equal(yTicks[0], 0);
    assert.ok(Math.max(...yTicks) >= 44);
    const legend = (groups(svg, "legend")[0].text as Node[]).map((t) => String(t["#text"]));
    assert.deepEqual(legend, CHART.series.map((s) => s.name));
    assert.equal(groups(svg, "reference").length, 1);
  });

  it("escapes names and refuses a series without one finite value per x", () => {
    const text = lineChartSvg({ ...CHART, series: [{ name: "a < b & \"c\"", values: [1, 2, 3, 4] }] });
    assert.equal(XMLValidator.validate(text), true);
    assert.throws(() => lineChartSvg({ ...CHART, series: [{ name: "short", values: [1, 2] }] }), /series "short" has 2 values for 4 x values/);
    assert.throws(() => lineChartSvg({ ...CHART, series: [{ name: "nan", values: [1, NaN, 3, 4] }] }), /not a finite number/);
  });
});
