/**
 * Headless Chromium for the browser tests (the HTML report, the browser parity run): Debian's
 * package at /usr/bin/chromium (RNN_PARITY_CHROMIUM names another installed Chromium or Chrome, as
 * on GitHub's runners), driven by playwright-core with executablePath. No browser is ever
 * downloaded; every run gets a fresh profile in a temporary folder, removed afterwards.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.RNN_PARITY_CHROMIUM || "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const CHROMIUM_ARGS: readonly string[] = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];

export interface ChromiumOptions {
  viewport?: { width: number; height: number };
}

/** Runs `use` on a persistent context of a fresh profile; closes the browser and removes the profile after. */
export async function withChromium<T>(use: (context: BrowserContext) => Promise<T>, options: ChromiumOptions = {}): Promise<T> {
  const { chromium } = await import("playwright-core");
  const profile = await mkdtemp(join(tmpdir(), "rnn-parity-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      ...(options.viewport ? { viewport: options.viewport } : {}),
    });
    try {
      return await use(context);
    } finally {
      await context.close();
    }
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
