/** .safetensors files from disk: the bounded read here, the decoding in the core. */
import { MAX_FIXTURE_BYTES } from "../../core/format/limits.js";
import { loadSafetensors } from "../../core/format/safetensors.js";
import type { Tensor } from "../../core/tensor/tensor.js";
import { readBounded } from "./read-bounded.js";

/** loadSafetensors of the file at `path` (regular files only, size checked before reading). */
export async function loadSafetensorsFile(path: string): Promise<Record<string, Tensor>> {
  return loadSafetensors(await readBounded(path, MAX_FIXTURE_BYTES), path);
}
