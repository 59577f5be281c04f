import { ModuleError } from "../errors.js";
import { isInteger, isSafeInteger } from "./checks.js";
import { checkModuleSize } from "./limits.js";
import { isNonlinearity, type Nonlinearity } from "../kernels/activation.js";
import { isDType, type DType } from "../tensor/dtype.js";
import { typeName } from "../tensor/tensor.js";

/** Options of {@link RNNCell}, torch.nn.RNNCell's keyword arguments in camelCase. */
export interface RNNCellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Default true. */
  bias?: boolean;
  /** Default "tanh". */
  nonlinearity?: Nonlinearity;
  /** Parameter dtype; inputs must match it. Default "float32". */
  dtype?: DType;
  /** Seed of the parameter initialiser (not torch's generator); Math.random when omitted. */
  seed?: number;
}

/** Options of {@link RNN}, torch.nn.RNN's keyword arguments in camelCase. */
export interface RNNOptions {
  inputSize: number;
  hiddenSize: number;
  /** Default 1. */
  numLayers?: number;
  /** Default "tanh". */
  nonlinearity?: Nonlinearity;
  /** Default true. */
  bias?: boolean;
  /** Input and output as (N, L, H) instead of (L, N, H); h0/hN are never batch-first. Default false. */
  batchFirst?: boolean;
  /** Accepted for compatibility, ignored: the module always runs as in eval(). Default 0. */
  dropout?: number;
  /** Default false. */
  bidirectional?: boolean;
  /** Parameter dtype; inputs must match it. Default "float32". */
  dtype?: DType;
  /** Seed of the parameter initialiser (not torch's generator); Math.random when omitted. */
  seed?: number;
}

/** Options of {@link LSTMCell} and {@link GRUCell}: torch's keyword arguments in camelCase. */
export interface GatedCellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Default true. */
  bias?: boolean;
  /** Parameter dtype; inputs must match it. Default "float32". */
  dtype?: DType;
  /** Seed of the parameter initialiser (not torch's generator); Math.random when omitted. */
  seed?: number;
}
export type LSTMCellOptions = GatedCellOptions;
export type GRUCellOptions = GatedCellOptions;

/** Options of {@link GRU}, torch.nn.GRU's keyword arguments in camelCase (RNN's without nonlinearity). */
export type GRUOptions = Omit<RNNOptions, "nonlinearity">;

/** Options of {@link LSTM}: GRU's plus torch's proj_size. */
export interface LSTMOptions extends GRUOptions {
  /** Size P of the projected h (0 = no projection); 0 <= P < hiddenSize. Default 0. */
  projSize?: number;
}

export interface CellConfig {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly dtype: DType;
}

export interface RNNCellConfig extends CellConfig {
  readonly nonlinearity: Nonlinearity;
}

/** What every recurrent module (RNN, LSTM, GRU) is built from; projSize is 0 but for LSTM. */
export interface RecurrentConfig extends CellConfig {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
}

export interface RNNConfig extends RecurrentConfig {
  readonly nonlinearity: Nonlinearity;
}

export type RecurrentName = "RNN" | "LSTM" | "GRU";
export type CellName = "RNNCell" | "LSTMCell" | "GRUCell";

const GATED_CELL_KEYS = ["inputSize", "hiddenSize", "bias", "dtype", "seed"] as const;
const CELL_KEYS = [...GATED_CELL_KEYS, "nonlinearity"] as const;
const GRU_KEYS = [...GATED_CELL_KEYS, "numLayers", "batchFirst", "dropout", "bidirectional"] as const;
const RNN_KEYS = [...GRU_KEYS, "nonlinearity"] as const;
const LSTM_KEYS = [...GRU_KEYS, "projSize"] as const;

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Plain-JS callers may pass torch's snake_case names; say which name we expect instead of ignoring it. */
export function rejectUnknownKeys(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    if ((key === "projSize" || key === "proj_size") && (owner === "RNN" || owner === "GRU")) {
      throw new ModuleError("proj_size argument is only supported for LSTM, not RNN or GRU");
    }
    const camel = camelCase(key);
    // A known key never gets here, so a hit means camel differs from key.
    const hint = known.includes(camel) ? `; did you mean '${camel}'?` : "";
    throw new ModuleError(`${owner} got an unknown option '${key}'${hint}`);
  }
}


function positiveInteger(name: string, value: unknown): number {
  if (!isInteger(value)) {
    throw new ModuleError(`${name} should be an integer, got: ${typeof value === "number" ? value : typeName(value)}`);
  }
  if (value <= 0) throw new ModuleError(`${name} must be greater than zero`);
  return value;
}

function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new ModuleError(`${name} should be of type boolean, got: ${typeName(value)}`);
  return value;
}

function nonlinearity(value: unknown): Nonlinearity {
  if (value === undefined) return "tanh";
  if (!isNonlinearity(value)) {
    throw new ModuleError(`Unknown nonlinearity '${String(value)}'. Select from 'tanh' or 'relu'.`);
  }
  return value;
}

function dtype(value: unknown): DType {
  if (value === undefined) return "float32";
  if (!isDType(value)) throw new ModuleError(`dtype must be "float32" or "float64", got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

export function validateSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!isSafeInteger(value)) {
    throw new ModuleError(`seed should be an integer, got: ${typeof value === "number" ? value : typeName(value)}`);
  }
  return value;
}

function requireObject(owner: string, options: unknown): asserts options is Record<string, unknown> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ModuleError(`${owner} options must be an object with at least inputSize and hiddenSize`);
  }
}

/** torch checks proj_size after num_layers: negative first, then not below hidden_size. */
function projSize(value: unknown, hiddenSize: number): number {
  if (value === undefined) return 0;
  if (!isInteger(value)) {
    throw new ModuleError(`projSize should be an integer, got: ${typeof value === "number" ? value : typeName(value)}`);
  }
  if (value < 0) throw new ModuleError("proj_size should be a positive integer or zero to disable projections");
  if (value >= hiddenSize) throw new ModuleError("proj_size has to be smaller than hidden_size");
  return value;
}

function resolveCell(owner: CellName, options: GatedCellOptions, keys: readonly string[]): CellConfig {
  requireObject(owner, options);
  rejectUnknownKeys(owner, options, keys);
  validateSeed(options.seed);
  const cell = {
    inputSize: positiveInteger("inputSize", options.inputSize),
    hiddenSize: positiveInteger("hiddenSize", options.hiddenSize),
    bias: boolean("bias", options.bias, true),
    dtype: dtype(options.dtype),
  };
  checkModuleSize(owner, cell);
  return cell;
}

export function resolveCellOptions(options: RNNCellOptions): RNNCellConfig {
  const cell = resolveCell("RNNCell", options, CELL_KEYS);
  return Object.freeze({ ...cell, nonlinearity: nonlinearity(options.nonlinearity) });
}

export function resolveGatedCellOptions(owner: "LSTMCell" | "GRUCell", options: GatedCellOptions): CellConfig {
  return Object.freeze(resolveCell(owner, options, GATED_CELL_KEYS));
}

/**
 * The options every recurrent module shares, checked in torch's order as far as the camelCase
 * API allows: dropout, then the sizes, num_layers and proj_size, then the flags.
 */
function resolveRecurrent(owner: RecurrentName, options: LSTMOptions, keys: readonly string[]): RecurrentConfig {
  requireObject(owner, options);
  rejectUnknownKeys(owner, options, keys);
  const dropout = options.dropout ?? 0;
  if (typeof dropout !== "number" || !(dropout >= 0 && dropout <= 1)) {
    throw new ModuleError(
      "dropout should be a number in range [0, 1] representing the probability of an element being zeroed",
    );
  }
  validateSeed(options.seed);
  const inputSize = positiveInteger("inputSize", options.inputSize);
  const hiddenSize = positiveInteger("hiddenSize", options.hiddenSize);
  const numLayers = positiveInteger("numLayers", options.numLayers ?? 1);
  const config = {
    inputSize,
    hiddenSize,
    numLayers,
    projSize: projSize(options.projSize, hiddenSize),
    bias: boolean("bias", options.bias, true),
    batchFirst: boolean("batchFirst", options.batchFirst, false),
    dropout,
    bidirectional: boolean("bidirectional", options.bidirectional, false),
    dtype: dtype(options.dtype),
  };
  checkModuleSize(owner, config);
  return config;
}

export function resolveRnnOptions(options: RNNOptions): RNNConfig {
  requireObject("RNN", options);
  rejectUnknownKeys("RNN", options, RNN_KEYS);
  // torch checks nonlinearity, then dropout, then the sizes; keep its order so the first complaint matches.
  const nl = nonlinearity(options.nonlinearity);
  return Object.freeze({ ...resolveRecurrent("RNN", options, RNN_KEYS), nonlinearity: nl });
}

export function resolveGruOptions(options: GRUOptions): RecurrentConfig {
  return Object.freeze(resolveRecurrent("GRU", options, GRU_KEYS));
}

export function resolveLstmOptions(options: LSTMOptions): RecurrentConfig {
  return Object.freeze(resolveRecurrent("LSTM", options, LSTM_KEYS));
}
