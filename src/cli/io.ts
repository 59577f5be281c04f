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
