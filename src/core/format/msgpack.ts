/**
 * Reads fixture files (docs/fixture-format.md). Nothing in a file is trusted: the size is checked
 * before reading, the decoder is bounded, and every field is validated before a Tensor exists.
 * The only error this module throws is FixtureError.
 */
import { DecodeError, Decoder } from "@msgpack/msgpack";
import { FILE_FIELD, FixtureError } from "../errors.js";
import { DTYPES } from "../tensor/dtype.js";
import {
  MAX_MSGPACK_DEPTH,
  MAX_MSGPACK_OBJECTS,
  MAX_FIXTURE_BYTES,
  MAX_MSGPACK_ARRAY_LENGTH,
  MAX_MSGPACK_BIN_BYTES,
  MAX_MSGPACK_MAP_LENGTH,
  MAX_MSGPACK_STRING_BYTES,
} from "./limits.js";
import {
  FIXTURE_FORMAT,
  FIXTURE_VERSIONS,
  INT64_FIELDS,
  fixtureOutputNames,
  hasCellState,
  isSequenceModule,
  type Fixture,
  type FixtureInputs,
  type ModuleName,
  type Packing,
} from "./types.js";
import { readConfig, readModuleName } from "./validate-config.js";
import {
  fail,
  fieldPath,
  requireBoolean,
  requireKeys,
  requireMap,
  requireNonEmptyString,
  requireOneOf,
  requireSafeInteger,
  requireFormatHeader,
} from "./validate-fields.js";
import { scanMsgpack } from "./msgpack-scan.js";
import { checkInputOutputShapes } from "./validate-io.js";
import { checkStateDictKeys, checkStateDictShapes } from "./validate-shapes.js";
import { ElementBudget, readMixedTensorMap, readTensorMap } from "./validate-tensor.js";
import type { DType } from "../tensor/dtype.js";

const MSGPACK_FIELD = "(msgpack)";

const FIXTURE_KEYS = [
  "format",
  "version",
  "name",
  "module",
  "config",
  "dtype",
  "seed",
  "torch_version",
  "state_dict",
  "inputs",
  "outputs",
] as const;

function stringKeysOnly(key: unknown): string {
  if (typeof key === "string") return key;
  throw new DecodeError(`a map key is ${typeof key}, but the format uses string keys only`);
}

/**
 * Every declared length is checked against these before the decoder allocates for it. Ext types
 * are not part of the format, so any ext with a payload is refused (maxExtLength 0).
 */
function boundedDecoder(): Decoder {
  return new Decoder({
    maxStrLength: MAX_MSGPACK_STRING_BYTES,
    maxBinLength: MAX_MSGPACK_BIN_BYTES,
    maxArrayLength: MAX_MSGPACK_ARRAY_LENGTH,
    maxMapLength: MAX_MSGPACK_MAP_LENGTH,
    maxExtLength: 0,
    mapKeyConverter: stringKeysOnly,
    useBigInt64: false,
  });
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, " ").trim();
}

/** The decoder's own errors, reworded for a user who edited or truncated a file. */
function decoderFailure(file: string, err: unknown): FixtureError {
  const message = oneLine(err instanceof Error ? err.message : String(err));
  // "Offset is outside the bounds of the DataView" is V8's: the decoder read a value's bytes past
  // the end, as a file cut at a value boundary inside a container makes it do.
  if (err instanceof RangeError && (message.startsWith("Insufficient data") || message.startsWith("Offset is outside the bounds"))) {
    return new FixtureError(file, MSGPACK_FIELD, `truncated or not MessagePack: the data ends inside a value (${message})`);
  }
  if (err instanceof RangeError && message.startsWith("Extra ")) {
    return new FixtureError(file, MSGPACK_FIELD, `trailing data after the fixture map (${message})`);
  }
  if (err instanceof DecodeError && message.startsWith("Max length exceeded")) {
    return new FixtureError(file, MSGPACK_FIELD, `a declared length is beyond the reader's limit (${message})`);
  }
  return new FixtureError(file, MSGPACK_FIELD, `not valid MessagePack (${message})`);
}

/** fixmap, map16, map32: a fixture is one map, so any other first byte is not a fixture at all. */
function startsWithMap(bytes: Uint8Array): boolean {
  const head = bytes[0] ?? 0;
  return (head >= 0x80 && head <= 0x8f) || head === 0xde || head === 0xdf;
}

function decodeMsgpack(bytes: Uint8Array, file: string): unknown {
  if (bytes.byteLength === 0) throw new FixtureError(file, MSGPACK_FIELD, "the file is empty");
  if (!startsWithMap(bytes)) {
    const head = (bytes[0] ?? 0).toString(16).padStart(2, "0");
    throw new FixtureError(file, MSGPACK_FIELD, `not an rnn-parity fixture: the file does not start with a MessagePack map (first byte 0x${head})`);
  }
  // Depth, value count and duplicate keys, before the decoder allocates a container for any of it.
  const problem = scanMsgpack(bytes, { maxDepth: MAX_MSGPACK_DEPTH, maxObjects: MAX_MSGPACK_OBJECTS });
  if (problem !== null) throw new FixtureError(file, MSGPACK_FIELD, problem);
  try {
    return boundedDecoder().decode(bytes);
  } catch (err) {
    throw decoderFailure(file, err);
  }
}

/** `packing` of a packed case: version 2, a module with a sequence dimension, one known key. */
function readPacking(file: string, value: unknown, module: ModuleName, version: number): Packing {
  if (version < 2) fail(file, "packing", "packed cases need format version 2, but this file is version 1");
  if (!isSequenceModule(module)) fail(file, "packing", `${module} takes one time step; only RNN, LSTM and GRU take packed sequences`);
  const map = requireMap(file, "packing", value);
  requireKeys(file, "packing", map, ["enforce_sorted"]);
  return { enforceSorted: requireBoolean(file, fieldPath("packing", "enforce_sorted"), map.enforce_sorted) };
}

/** input, hx (and cx for LSTMs: both or neither), lengths exactly for packed cases. */
function readInputs(file: string, value: unknown, module: ModuleName, dtype: DType, packing: Packing | undefined, version: number, budget: ElementBudget): FixtureInputs {
  const inMap = requireMap(file, "inputs", value);
  const optional = hasCellState(module) ? ["hx", "cx"] : ["hx"];
  requireKeys(file, "inputs", inMap, packing ? ["input", "lengths"] : ["input"], optional);
  if (hasCellState(module)) {
    for (const [present, absent] of [["hx", "cx"], ["cx", "hx"]] as const) {
      if (Object.hasOwn(inMap, present) && !Object.hasOwn(inMap, absent)) {
        fail(file, `inputs.${absent}`, `missing: ${module} takes hx and cx together (the case has ${present})`);
      }
    }
  }
  const tensors = readMixedTensorMap(file, "inputs", inMap, (k) => (k === "lengths" ? "int64" : dtype), budget, version);
  const inputs: FixtureInputs = { input: tensors.input as FixtureInputs["input"] };
  for (const key of ["hx", "cx"] as const) {
    const t = tensors[key];
    if (t !== undefined && t.dtype !== "int64") inputs[key] = t;
  }
  const lengths = tensors.lengths;
  if (lengths !== undefined && lengths.dtype === "int64") inputs.lengths = lengths;
  return inputs;
}

function validate(raw: unknown, file: string): Fixture {
  const root = requireMap(file, "", raw);
  const version = requireFormatHeader(file, root, FIXTURE_FORMAT, FIXTURE_VERSIONS, "fixture");
  requireKeys(file, "", root, FIXTURE_KEYS, version >= 2 ? ["packing"] : []);

  const name = requireNonEmptyString(file, "name", root.name);
  const module = readModuleName(file, "module", root.module, version);
  const config = readConfig(file, "config", module, root.config);
  const dtype = requireOneOf(file, "dtype", root.dtype, DTYPES);
  const seed = requireSafeInteger(file, "seed", root.seed);
  const torchVersion = requireNonEmptyString(file, "torch_version", root.torch_version);
  const packing = Object.hasOwn(root, "packing") ? readPacking(file, root.packing, module, version) : undefined;

  const budget = new ElementBudget();
  const sdMap = requireMap(file, "state_dict", root.state_dict);
  checkStateDictKeys(file, Object.keys(sdMap), module, config);
  const stateDict = readTensorMap(file, "state_dict", sdMap, dtype, budget, version);
  checkStateDictShapes(file, stateDict, module, config);

  const inputs = readInputs(file, root.inputs, module, dtype, packing, version, budget);
  const outMap = requireMap(file, "outputs", root.outputs);
  requireKeys(file, "outputs", outMap, fixtureOutputNames(module, packing));
  const outputs = readMixedTensorMap(file, "outputs", outMap, (k) => (INT64_FIELDS.includes(k) ? "int64" : dtype), budget, version);
  checkInputOutputShapes(file, packing ? { inputs, outputs, packing } : { inputs, outputs }, module, config);

  const base = { file, format: FIXTURE_FORMAT, version, name, dtype, seed, torchVersion, stateDict, inputs, outputs } as const;
  const withPacking = packing ? { ...base, packing } : base;
  // readConfig returned the config of `module`; the pairing is what Fixture's union states.
  return { ...withPacking, module, config } as Fixture;
}

/**
 * Decodes and validates one fixture from memory. `file` names it in every error. Throws only
 * FixtureError: anything else escaping is a bug in this reader, and is reported as one.
 */
export function decodeFixture(bytes: Uint8Array, file: string): Fixture {
  if (!(bytes instanceof Uint8Array)) {
    throw new FixtureError(file, FILE_FIELD, "expected the file's bytes as a Uint8Array");
  }
  if (bytes.byteLength > MAX_FIXTURE_BYTES) {
    throw new FixtureError(file, FILE_FIELD, `${bytes.byteLength} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`);
  }
  const raw = decodeMsgpack(bytes, file);
  try {
    return validate(raw, file);
  } catch (err) {
    if (err instanceof FixtureError) throw err;
    const message = oneLine(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    throw new FixtureError(file, "(validation)", `internal error while validating, please report it: ${message}`);
  }
}
