/** Edges of --reporter and --out parsing, each refused with its exact line (exit 2). */
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli-run.js";

describe("--reporter and --out edges", () => {
  it.each([
    [["check", "--reporterjson"], "rnn-parity: unknown option '--reporterjson' (see --help)"],
    [["check", "fixtures", "--out", "x.json"], "rnn-parity: --out x.json: must directly follow the single --reporter NAME it applies to (or write --reporter NAME:FILE)"],
    // -r takes its value glued (-rjson) or apart; "=json" is then the value, as for any short option.
    [["check", "-r=json"], 'rnn-parity: --reporter =json: unknown reporter "=json" (expected pretty, json, junit, html, github, optionally NAME:FILE)'],
    [["check", "--reporter", ":a.json"], 'rnn-parity: --reporter :a.json: unknown reporter "" (expected pretty, json, junit, html, github, optionally NAME:FILE)'],
  ])("%j", async (argv, line) => {
    const run = await runCli(argv);
    expect([run.code, run.stderr]).toEqual([2, `${line}\n`]);
  });
});
