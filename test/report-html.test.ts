/**
 * The HTML report: self-contained (checked in the text), and rendered in headless Chromium from
 * file:// with every request outside the file refused: no console error, charts drawn, the
 * failing case first and linked from the top, sorting and filtering work. Saves a screenshot at
 * reports/html-report.png (a CI artifact) beside the page. Chromium is Debian's (/usr/bin/chromium),
 * driven by playwright-core; no browser is ever downloaded.
 */
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { CHROMIUM, HAVE_CHROMIUM, withChromium } from "./helpers/chromium.js";
import { plainCopy, perturbedCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

if (!HAVE_CHROMIUM) {
  console.warn(`report-html: Chromium test skipped, no ${CHROMIUM}; run it with: apt-get install -y chromium && npx vitest run test/report-html.test.ts`);
}

const LARGE = "RNN-large-seq64-batch8-in32-hid48-bidir-L2-h0-float32";
const FAILING = "RNN-tanh-bias-seqfirst-bidir-L2-h0-float32";
const CELL = "RNNCell-tanh-bias-batched-hx-float64";
export const SCREENSHOT = resolve("reports", "html-report.png");

let html = "";
let file = "";

beforeAll(async () => {
  const dir = await tempDir();
  await plainCopy(LARGE, dir);
  await copyFile(join(DEFAULT_FIXTURES_DIR, "onnx", `${LARGE}.onnx`), join(dir, `${LARGE}.onnx`));
  // One element of the reference's step 3 moved: the failing case, run after the large one.
  await perturbedCopy(FAILING, dir, "outputs", "output", 1e-3, 3 * 3 * 12 + 5);
  await copyFile(join(DEFAULT_FIXTURES_DIR, "onnx", `${FAILING}.onnx`), join(dir, `${FAILING}.onnx`));
  await plainCopy(CELL, dir);
  file = join(dir, "out", "report.html");
  const run = await runCli(["check", dir, "--reporter", `html:${file}`]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(1);
  html = await readFile(file, "utf8");
  // Kept beside the screenshot, so CI's artifact holds the page itself too.
  await mkdir(resolve("reports"), { recursive: true });
  await copyFile(file, resolve("reports", "html-report.html"));
});

afterAll(removeTempDirs);

describe("html report, as text", () => {
  it("is one file: no external script, style, image or link", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:|\/\/)/i);
    expect(html).toContain("uPlot");
    expect(html).toContain("default-src 'none'");
  });

  it("embeds the JSON report, with the per-step errors", () => {
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
    const data = JSON.parse(json) as { report: { version: number; comparisons: { case: string; tensor: string; overTime: unknown }[] } };
    expect(data.report.version).toBe(3);
    const large = data.report.comparisons.find((c) => c.case === LARGE && c.tensor === "output");
    expect(large?.overTime).toMatchObject({ directions: ["forward", "reverse"] });
  });
});

/** The little of the DOM the page checks read (the project's TypeScript has no DOM library). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

interface PageFacts {
  errors: string[];
  requests: string[];
}

describe.skipIf(!HAVE_CHROMIUM)("html report in headless Chromium", () => {
  it("renders from file:// with no console error and no request, charts drawn, the failing case first", async () => {
    const facts: PageFacts = { errors: [], requests: [] };
    await withChromium(async (context) => {
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        facts.requests.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") facts.errors.push(m.text());
      });
      page.on("pageerror", (e) => facts.errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });

      // The failing case is the first case, open, and the top's failure list links to it.
      const first = await page.$eval("#cases details.case", (d) => ({ id: d.id, open: (d as unknown as { open: boolean }).open, text: d.querySelector("summary")?.textContent ?? "", cls: d.className }));
      expect(first.text).toContain(FAILING);
      expect(first.open).toBe(true);
      expect(first.cls).toContain("fail");
      const links = await page.$$eval("#failures a", (as) => as.map((a) => a.getAttribute("href")));
      expect(links.length).toBeGreaterThan(0);
      expect(new Set(links)).toEqual(new Set([`#${first.id}`]));

      // Charts: the histogram and the failing case's two over-time charts are drawn (non-blank canvases).
      const inked = (selector: string) =>
        page.$$eval(selector, (canvases) =>
          canvases.map((c) => {
            const canvas = c as unknown as CanvasLike;
            const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
            let n = 0;
            for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) n++;
            return n;
          }),
        );
      expect((await inked("#histogram canvas")).every((n) => n > 100)).toBe(true);
      const failingCharts = await inked(`#${first.id} canvas`);
      expect(failingCharts).toHaveLength(2);
      for (const n of failingCharts) expect(n).toBeGreaterThan(100);
      // A closed case draws its charts when opened.
      const large = page.locator("#cases details.case", { hasText: LARGE });
      expect(await large.locator("canvas").count()).toBe(0);
      await large.locator("summary").click();
      // The details element's toggle event is queued as a task: wait for the charts it draws.
      await large.locator("canvas").nth(1).waitFor({ timeout: 10_000 });
      expect(await large.locator("canvas").count()).toBe(2);
      const legend = await large.locator(".u-legend").first().textContent();
      for (const series of ["torch forward", "torch reverse", "onnxruntime forward", "onnxruntime-vs-torch reverse"]) expect(legend).toContain(series);

      // Sorting by headroom puts the failures on top; the filter narrows the table.
      await page.click("#comparisons thead th:has-text('headroom')");
      expect(await page.textContent("#comparisons tbody tr:first-child td:last-child")).toBe("FAIL");
      await page.fill("#filter", "RNNCell");
      expect(await page.locator("#comparisons tbody tr").count()).toBe(1);
      await page.fill("#filter", "");
      await page.check("#only-failed");
      expect(await page.locator("#comparisons tbody tr.fail").count()).toBe(await page.locator("#comparisons tbody tr").count());

      await mkdir(resolve("reports"), { recursive: true });
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: SCREENSHOT });
    }, { viewport: { width: 1280, height: 1400 } });
    expect(facts.errors).toEqual([]);
    expect(facts.requests).toEqual([]);
  });
});
