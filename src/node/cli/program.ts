/**
 * The rnn-parity command line. `main` returns the exit status instead of exiting, so tests run it
 * in-process: 0 passed, 1 a mismatch, 2 bad usage or an unusable input (one line on stderr naming
 * the file), 3 an internal error (a bug: stack trace with --debug or DEBUG set).
 */
import { Command, CommanderError, Option } from "commander";
import { FixtureError } from "../../core/errors.js";
import { EXIT_INTERNAL, EXIT_USAGE, runCheckCommand, type CheckCliOptions } from "./check.js";
import { runInspectCommand } from "./inspect.js";
import type { CliIo } from "./io.js";
import { foldOutOptions, REPORTER_NAMES } from "./reporters.js";
import { MissingDependencyError } from "../oracles/ort-loader.js";
import { UsageError } from "./usage-error.js";
import { toolVersion } from "./version.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command("rnn-parity")
    .description("PyTorch's recurrent layers in TypeScript: conformance checks against PyTorch and onnxruntime")
    .version(toolVersion(), "-V, --version")
    .option("--debug", "on an internal error, print the stack trace (also: DEBUG=1)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`rnn-parity: ${oneLine(s.replace(/^error: /, ""))} (see --help)\n`),
    })
    .showSuggestionAfterError(true);

  program
    .command("check")
    .description("compare our modules with the PyTorch reference (and onnxruntime) on fixtures, and report")
    .argument("[paths...]", "fixture files (.msgpack) or folders (default: the bundled fixtures)")
    .option(
      "-r, --reporter <name[:file]>",
      `${REPORTER_NAMES.join(" | ")}, each optionally :FILE (default stdout); repeatable or comma-separated`,
      collect,
      [],
    )
    .addOption(new Option("-o, --out <file>", "the file of the --reporter NAME just before it (same as NAME:FILE)"))
    .option(
      "--oracle <list>",
      "torch and/or onnxruntime, comma-separated (default: torch, plus onnxruntime where a case has a model)",
      collect,
    )
    .option("--rtol <number>", "override the relative tolerance (default: torch.testing.assert_close's, per dtype)")
    .option("--atol <number>", "override the absolute tolerance (default: torch.testing.assert_close's, per dtype)")
    .option("--filter <pattern>", "only cases whose name matches: substring, glob (* ?), or /regex/; repeatable", collect, [])
    .option("--fail-fast", "stop after the first case with a mismatch", false)
    .option("-v, --verbose", "pretty report: also every comparison, a row per case, oracle and tensor", false)
    .option("--impl <file>", "an adapter module (docs/adapters.md) to check instead of rnn-parity's own layers")
    .option("--expectations <file>", "a JSON list of comparisons the implementation is known to fail (docs/adapters.md); an expected failure that passes fails the run")
    .option("--no-progress", "never show the progress bar (it shows only on a terminal, for long runs)")
    .action(async (paths: string[], opts: CheckCliOptions & { out?: string }) => {
      if (opts.out !== undefined) throw new UsageError("--out must directly follow the --reporter NAME it applies to");
      setCode(await runCheckCommand(paths, opts, io));
    });

  program
    .command("inspect")
    .description("show a fixture's metadata, config and tensors, or an ONNX model's inputs, outputs, operators and initializers")
    .argument("<file>", "a .msgpack fixture or an .onnx model")
    .option("--json", "machine-readable output", false)
    .action(async (file: string, opts: { json: boolean }) => {
      setCode(await runInspectCommand(file, opts, io));
    });

  return program;
}

function debugWanted(argv: readonly string[], env: CliIo["env"]): boolean {
  return argv.includes("--debug") || (env.DEBUG !== undefined && env.DEBUG !== "" && env.DEBUG !== "0");
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  try {
    const program = buildProgram(io, (c) => {
      code = c;
    });
    await program.parseAsync(foldOutOptions(argv), { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    if (err instanceof UsageError || err instanceof FixtureError || err instanceof MissingDependencyError) {
      io.stderr.write(`rnn-parity: ${oneLine(err.message)}\n`);
      return EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (debugWanted(argv, io.env) && err instanceof Error && err.stack) {
      io.stderr.write(`rnn-parity: internal error: ${err.stack}\n`);
    } else {
      io.stderr.write(`rnn-parity: internal error: ${oneLine(message)} (a bug; run with --debug for the stack trace)\n`);
    }
    return EXIT_INTERNAL;
  }
}
