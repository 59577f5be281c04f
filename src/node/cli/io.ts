/** What the CLI touches of its process, so tests run it in-process with captured output. */
export interface OutStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  /** A real terminal stream for the progress bar; omitted in tests. */
  progressStream?: NodeJS.WriteStream;
}

/** no-color.org: NO_COLOR set to anything non-empty turns colour off; FORCE_COLOR (not "0") forces it on. */
export function colorEnabled(stream: OutStream, env: CliIo["env"]): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, progressStream: process.stderr };
}

/**
 * A reader that stops early (`rnn-parity check | head`) closes the pipe, and Node reports the next
 * write as an 'error' event that, unhandled, prints a stack trace and exits 1 (which reads as "a
 * mismatch"). The rest of the output has nowhere to go; that is the reader's choice, not a failure:
 * exit quietly with the status the run already set. Any other write error is a report that cannot
 * be written: one line and exit 2.
 */
export function exitQuietlyOnClosedStdout(
  stdout: NodeJS.EventEmitter,
  stderr: OutStream,
  exit: (code?: number) => void,
): void {
  stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") {
      exit();
      return;
    }
    stderr.write(`rnn-parity: cannot write to stdout: ${(err.message.split("\n")[0] ?? "").trim()}\n`);
    exit(2);
  });
}
