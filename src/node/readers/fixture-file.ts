/** Fixture files from disk: the bounded read here, the decoding and validation in the core. */
import { MAX_FIXTURE_BYTES } from "../../core/format/limits.js";
import { decodeFixture } from "../../core/format/msgpack.js";
import type { Fixture } from "../../core/format/types.js";
import { readBounded } from "./read-bounded.js";

/** Reads and validates a fixture file; the size is checked with fstat before any byte is read. */
export async function readFixture(path: string): Promise<Fixture> {
  return decodeFixture(await readBounded(path, MAX_FIXTURE_BYTES), path);
}
