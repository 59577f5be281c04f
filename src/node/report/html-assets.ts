/**
 * uPlot (pinned in package.json), read from the installed package so the HTML report carries it
 * inline: the report must open from file:// with no network.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface HtmlAssets {
  uplotJs: string;
  uplotCss: string;
}

let cached: HtmlAssets | undefined;

export function htmlAssets(): HtmlAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const read = (path: string): string => readFileSync(require.resolve(path), "utf8");
  cached = { uplotJs: read("uplot/dist/uPlot.iife.min.js"), uplotCss: read("uplot/dist/uPlot.min.css") };
  return cached;
}

/** Text safe inside <script> or <style>: nothing in it can close the element early. */
export function inlineSafe(text: string): string {
  return text.replace(/<\/(script|style)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
