#!/usr/bin/env node
/** The `rnn-parity` executable; everything else lives in program.ts so tests can run it in-process. */
import { exitQuietlyOnClosedStdout, processIo } from "./io.js";
import { main } from "./program.js";

exitQuietlyOnClosedStdout(process.stdout, process.stderr, (code) => process.exit(code));
// exitCode rather than process.exit(), so buffered output to a pipe is flushed first.
process.exitCode = await main(process.argv.slice(2), processIo());
