/**
 * A progress bar on stderr for runs long enough to need one, only on a terminal: CI logs and
 * redirected output never see control sequences.
 */
import cliProgress from "cli-progress";
import type { CliIo } from "./io.js";

/** Below this many cases the run finishes before a bar is worth drawing. */
export const PROGRESS_MIN_CASES = 20;

export interface Progress {
  tick(done: number, total: number, name: string): void;
  stop(): void;
}

const NONE: Progress = { tick: () => undefined, stop: () => undefined };

export function startProgress(io: CliIo, cases: number, enabled: boolean): Progress {
  const stream = io.progressStream;
  if (!enabled || !stream?.isTTY || io.env.CI || cases < PROGRESS_MIN_CASES) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "checking [{bar}] {value}/{total} cases | {case}",
      clearOnComplete: true,
      hideCursor: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(cases, 0, { case: "" });
  return {
    tick: (done, _total, name) => bar.update(done, { case: name }),
    stop: () => bar.stop(),
  };
}
