/** How a failed bench run ends: one "bench: ..." line on stderr, exit 2 for bad usage and 1 otherwise. */
import { UsageError } from "./args.js";

export interface ErrorReport {
  line: string;
  exitCode: number;
}

export function reportError(err: unknown): ErrorReport {
  const message = err instanceof Error ? err.message : String(err);
  // assert_close's message (in a SanityError) spans several lines; a failure must stay one line,
  // so its lines are kept, joined.
  const text = message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("; ");
  return err instanceof UsageError ? { line: `bench: ${text} (see --help)`, exitCode: 2 } : { line: `bench: ${text}`, exitCode: 1 };
}
