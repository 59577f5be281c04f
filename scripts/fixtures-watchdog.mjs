// Runs one command of `npm run fixtures` (scripts/fixtures.mjs) in this process's own process
// group, and kills that whole group the moment its parent is gone: the parent holds the write end
// of our stdin and never writes, so end-of-file on stdin means it exited or was killed (even by
// SIGKILL, even with its whole process group, which does not include ours). Without this, a killed
// run left the Python generator running, and it wrote an orphan temporary folder later.
//
// Usage: node fixtures-watchdog.mjs --shell '<command line>'
//        node fixtures-watchdog.mjs -- <file> <args...>
import { spawn } from "node:child_process";

const [mode, file, ...args] = process.argv.slice(2);
const shell = mode === "--shell";
const child = spawn(file, shell ? [] : args, { stdio: ["ignore", "inherit", "inherit"], shell, env: process.env });

function killGroup() {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    process.exit(1);
  }
}

process.stdin.on("end", killGroup);
process.stdin.on("error", killGroup);
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, killGroup);

child.on("error", (err) => {
  process.stderr.write(`cannot start ${file} (${err.message})\n`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  process.stdin.pause();
  // The parent reads our status as the command's: the same exit code, or death by the same signal.
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
