/**
 * The HTML report of a run with expectations, rendered in headless Chromium (as report-html.test.ts
 * does): no console error, the unexpected pass listed among the failures, XFAIL and XPASS in the
 * comparisons table, and the expectations table with each entry's verdict.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { perturbedCopy, plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

const CHROMIUM = process.env.RNN_PARITY_CHROMIUM || "/usr/bin/chromium";
const FAILING = "RNNCell-tanh-bias-batched-hx-float64";
const PASSING = "RNNCell-relu-nobias-batched-hx-float64";

afterAll(removeTempDirs);

describe.skipIf(!existsSync(CHROMIUM))("html report with expectations in headless Chromium", () => {
  it("shows xfail, xpass and stale entries without a console error", async () => {
    const dir = await tempDir();
    await perturbedCopy(FAILING, dir, "outputs", "h_prime", 1e-3);
    await plainCopy(PASSING, dir);
    const expectations = join(await tempDir(), "expectations.json");
    await writeFile(
      expectations,
      JSON.stringify({
        implementation: "rnn-parity",
        expectedFailures: [
          { case: FAILING, reason: "known", link: "https://example.org/1" },
          { case: PASSING, reason: "thought broken" },
          { case: "GRU-none-*", reason: "gone" },
        ],
      }),
    );
    const file = join(await tempDir(), "report.html");
    const run = await runCli(["check", "--oracle", "torch", "--expectations", expectations, "--reporter", `html:${file}`, dir]);
    expect(run.code).toBe(1);

    const { chromium } = await import("playwright-core");
    const profile = await mkdtemp(join(tmpdir(), "rnn-parity-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
      expect(await page.textContent("h1")).toContain("FAILED");
      const failures = await page.$$eval("#failures li", (li) => li.map((l) => l.textContent ?? ""));
      expect(failures).toEqual([`${PASSING} · torch · h_prime: unexpected pass (expectedFailures[1] expects a failure)`]);
      const results = await page.$$eval("#comparisons tbody tr td:last-child", (td) => td.map((t) => t.textContent ?? "").sort());
      expect(results).toEqual(["XFAIL [0]", "XPASS [1]"]);
      const verdicts = await page.$$eval("#expectations tbody tr td:nth-child(5)", (td) => td.map((t) => t.textContent ?? ""));
      expect(verdicts).toEqual(["expected failure", "unexpected pass", "stale"]);
      expect(await page.locator("#comparisons tbody tr.xfail").count()).toBe(1);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });
});
