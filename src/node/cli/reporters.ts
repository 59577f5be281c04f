/**
 * Which reporters run and where each writes. The canonical form is `--reporter NAME[:FILE]`
 * (repeatable, or comma-separated); `-` or no FILE means stdout. `--out FILE` is accepted right
 * after the `--reporter NAME` it belongs to: `--reporter junit --out parity.xml` is
 * `--reporter junit:parity.xml`. Rules (violations are usage errors): known names only; at most one
 * reporter on stdout; no two reporters on the same file; every --out follows a --reporter NAME that
 * has no file yet.
 */
import { resolve } from "node:path";
import { UsageError } from "./usage-error.js";

export const REPORTER_NAMES = ["pretty", "json", "junit", "html", "github"] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

export interface ReporterSpec {
  name: ReporterName;
  /** Absent: stdout. */
  file?: string;
}

function isReporterName(s: string): s is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(s);
}

const REPORTER_FLAGS = ["--reporter", "-r"];
const OUT_FLAGS = ["--out", "-o"];

/** Splits `--flag=value` / `-fvalue` / `--flag value`; returns null when `arg` is not one of `flags`. */
function flagValue(args: readonly string[], i: number, flags: readonly string[]): { value: string | undefined; width: number } | null {
  const arg = args[i] ?? "";
  for (const flag of flags) {
    if (arg === flag) return { value: args[i + 1], width: 2 };
    if (flag.startsWith("--") && arg.startsWith(`${flag}=`)) return { value: arg.slice(flag.length + 1), width: 1 };
    if (!flag.startsWith("--") && arg.startsWith(flag) && arg.length > flag.length) return { value: arg.slice(flag.length), width: 1 };
  }
  return null;
}

/**
 * Folds each `--out FILE` into the `--reporter NAME` before it, so the option parser only ever sees
 * `--reporter NAME:FILE`. Arguments after `--` are left alone.
 */
export function foldOutOptions(args: readonly string[]): string[] {
  const out: string[] = [];
  let lastReporter = -1; // index in `out` of the last --reporter's value
  for (let i = 0; i < args.length; ) {
    const arg = args[i] as string;
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const reporter = flagValue(args, i, REPORTER_FLAGS);
    if (reporter) {
      if (reporter.value === undefined) {
        out.push(arg);
        i++;
        continue;
      }
      out.push("--reporter", reporter.value);
      lastReporter = out.length - 1;
      i += reporter.width;
      continue;
    }
    const target = flagValue(args, i, OUT_FLAGS);
    if (target) {
      if (target.value === undefined || target.value === "") throw new UsageError("--out needs a file name");
      const name = lastReporter >= 0 ? (out[lastReporter] as string) : undefined;
      if (name === undefined || name.includes(":") || name.includes(",")) {
        throw new UsageError(
          `--out ${target.value}: must directly follow the single --reporter NAME it applies to (or write --reporter NAME:FILE)`,
        );
      }
      out[lastReporter] = `${name}:${target.value}`;
      lastReporter = -1;
      i += target.width;
      continue;
    }
    out.push(arg);
    i++;
  }
  return out;
}

/** Parses the collected --reporter values; pretty on stdout when none is given. */
export function parseReporters(values: readonly string[]): ReporterSpec[] {
  const items = values.flatMap((v) => v.split(",")).map((s) => s.trim());
  if (items.length === 0) return [{ name: "pretty" }];
  const specs: ReporterSpec[] = [];
  for (const item of items) {
    const colon = item.indexOf(":");
    const name = colon < 0 ? item : item.slice(0, colon);
    const file = colon < 0 ? undefined : item.slice(colon + 1);
    if (!isReporterName(name)) {
      throw new UsageError(`--reporter ${item}: unknown reporter "${name}" (expected ${REPORTER_NAMES.join(", ")}, optionally NAME:FILE)`);
    }
    if (file === "") throw new UsageError(`--reporter ${item}: empty file name after ":"`);
    specs.push(file === undefined || file === "-" ? { name } : { name, file });
  }
  const onStdout = specs.filter((s) => s.file === undefined);
  if (onStdout.length > 1) {
    throw new UsageError(
      `--reporter: ${onStdout.map((s) => s.name).join(" and ")} would both write to stdout; give all but one a file (NAME:FILE)`,
    );
  }
  const seen = new Map<string, ReporterName>();
  for (const s of specs) {
    if (s.file === undefined) continue;
    const key = resolve(s.file);
    const other = seen.get(key);
    if (other) throw new UsageError(`--reporter: ${other} and ${s.name} would both write ${s.file}`);
    seen.set(key, s.name);
  }
  return specs;
}
