/** Runs the CLI in-process with captured output, and builds edited copies of real fixtures. */
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode, encode } from "@msgpack/msgpack";
import { main } from "../../src/node/cli/program.js";
import { DEFAULT_FIXTURES_DIR } from "../../src/node/readers/manifest.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  });
  return { code, stdout, stderr };
}

export function bundled(caseName: string): string {
  const dtype = caseName.endsWith("float64") ? "float64" : "float32";
  return join(DEFAULT_FIXTURES_DIR, dtype, `${caseName}.msgpack`);
}

const created: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rnn-parity-cli-"));
  created.push(dir);
  return dir;
}

/** Removes every folder tempDir made; for afterAll. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

type TensorMap = { dtype: string; shape: number[]; data: Uint8Array };

/** Adds `delta` to element `index` of the tensor at `group.name`, rewriting its little-endian bytes in its dtype. */
function perturb(t: TensorMap, index: number, delta: number): void {
  const width = t.dtype === "float32" ? 4 : 8;
  const bytes = new Uint8Array(t.data); // a copy with its own aligned buffer
  const view = new DataView(bytes.buffer);
  if (t.dtype === "int64") view.setBigInt64(index * 8, view.getBigInt64(index * 8, true) + BigInt(delta), true);
  else if (width === 8) view.setFloat64(index * 8, view.getFloat64(index * 8, true) + delta, true);
  else view.setFloat32(index * 4, view.getFloat32(index * 4, true) + delta, true);
  t.data = bytes;
}

/**
 * A copy of a bundled fixture in `dir` whose tensor `group.name` (e.g. outputs.output) moved by
 * `delta` at element `index`; every other byte of content is the generator's.
 */
export async function perturbedCopy(caseName: string, dir: string, group: "outputs" | "state_dict", name: string, delta: number, index = 0): Promise<string> {
  const path = join(dir, `${caseName}.msgpack`);
  await perturbedFile(bundled(caseName), path, group, name, delta, index);
  return path;
}

/** perturbedCopy for any fixture file: writes `dest` (which may be `source`) with one element moved. */
export async function perturbedFile(source: string, dest: string, group: "outputs" | "state_dict", name: string, delta: number, index = 0): Promise<void> {
  const doc = decode(await readFile(source)) as Record<string, Record<string, TensorMap>>;
  const tensor = doc[group]?.[name];
  if (!tensor) throw new Error(`${source} has no ${group}.${name}`);
  perturb(tensor, index, delta);
  await writeFile(dest, encode(doc));
}

export async function plainCopy(caseName: string, dir: string): Promise<string> {
  const path = join(dir, `${caseName}.msgpack`);
  await copyFile(bundled(caseName), path);
  return path;
}
