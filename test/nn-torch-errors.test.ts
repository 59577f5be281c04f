/**
 * Every refusal whose wording src/core/nn takes from torch, against the message torch 2.13 itself
 * raised for the same call (test/data/torch-errors.json, written by
 * scripts/fixturegen/torch_errors.py; its docstring lists the checks whose wording is ours on
 * purpose). Messages are compared whole, so a lost module name or a wrong number fails.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ModuleError, StateDictError } from "../src/core/errors.js";
import { GRU } from "../src/core/nn/gru.js";
import { GRUCell } from "../src/core/nn/gru-cell.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { LSTMCell } from "../src/core/nn/lstm-cell.js";
import { RNN } from "../src/core/nn/rnn.js";
import { packPaddedSequence, packSequence, padPackedSequence, padSequence } from "../src/core/nn/pack.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { Tensor } from "../src/core/tensor/tensor.js";

type Shape = number[];
type Call =
  | { kind: "construct" }
  | { kind: "forward"; input: Shape; hx: Shape | [Shape, Shape] | null }
  | { kind: "load_state_dict"; drop: string[]; add: Record<string, Shape>; reshape: Record<string, Shape> }
  | { kind: "pack_padded_sequence"; input: Shape; lengths: number[] | number[][]; batch_first: boolean; enforce_sorted: boolean }
  | { kind: "pad_packed_sequence"; input: Shape; lengths: number[]; total_length: number }
  | { kind: "pad_sequence" | "pack_sequence"; sequences: Shape[] };
interface TorchErrorCase {
  name: string;
  module: ModuleName | "rnn_utils";
  kwargs: Record<string, unknown>;
  call: Call;
  error: string;
  message: string;
}

const file = new URL("./data/torch-errors.json", import.meta.url);
const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { format: string; version: number; cases: TorchErrorCase[] };

/** What every module offers the calls below, whatever its hx type. */
interface Callable {
  forward(input: Tensor, hx?: unknown): unknown;
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>): void;
}

type ModuleName = "RNN" | "LSTM" | "GRU" | "RNNCell" | "LSTMCell" | "GRUCell";
const constructors: Record<ModuleName, new (options: never) => unknown> = { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell };

/** torch's keyword arguments under our option names (input_size -> inputSize), values as they are. */
function options(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function make(c: TorchErrorCase): Callable {
  if (c.module === "rnn_utils") throw new Error(`${c.name}: torch.nn.utils.rnn is not a module`);
  const Module = constructors[c.module];
  return new Module({ ...options(c.kwargs), seed: 0 } as never) as Callable;
}

/** torch.nn.utils.rnn's functions, called as torch_errors.py calls them. */
function attemptUtil(call: Call): void {
  switch (call.kind) {
    case "pack_padded_sequence": {
      // A nested list is torch.tensor(lengths), a 2-D tensor.
      const lengths = Array.isArray(call.lengths[0]) ? Tensor.from(call.lengths) : (call.lengths as number[]);
      packPaddedSequence(Tensor.zeros(call.input), lengths, { batchFirst: call.batch_first, enforceSorted: call.enforce_sorted });
      return;
    }
    case "pad_packed_sequence":
      padPackedSequence(packPaddedSequence(Tensor.zeros(call.input), call.lengths), { totalLength: call.total_length });
      return;
    case "pad_sequence":
      padSequence(call.sequences.map((s) => Tensor.zeros(s)));
      return;
    case "pack_sequence":
      packSequence(call.sequences.map((s) => Tensor.zeros(s)));
      return;
    default:
      throw new Error(`torch.nn.utils.rnn has no call ${call.kind}`);
  }
}

function attempt(c: TorchErrorCase): void {
  const call = c.call;
  if (c.module === "rnn_utils") {
    attemptUtil(call);
    return;
  }
  if (call.kind === "construct") {
    make(c);
    return;
  }
  const m = make(c);
  if (call.kind === "forward") {
    const { hx } = call;
    const pair = c.module === "LSTM" || c.module === "LSTMCell";
    const state = hx === null ? undefined : pair ? (hx as [Shape, Shape]).map((s) => Tensor.zeros(s)) : Tensor.zeros(hx as Shape);
    m.forward(Tensor.zeros(call.input), state);
    return;
  }
  if (call.kind !== "load_state_dict") throw new Error(`${c.name}: ${c.module} has no call ${call.kind}`);
  const sd = m.stateDict();
  for (const key of call.drop) delete sd[key];
  for (const [key, shape] of Object.entries({ ...call.add, ...call.reshape })) sd[key] = Tensor.zeros(shape);
  m.loadStateDict(sd);
}

/** Ours is one line (docs/bad-input.md): torch's "\n\t"-separated report lines joined by a space. */
const oneLine = (message: string): string => message.split("\n\t").map((l) => l.trimEnd()).join(" ");

function refusal(c: TorchErrorCase): Error {
  try {
    attempt(c);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${c.name}: accepted a call torch refuses with "${c.message}"`);
}

describe("torch's own messages (test/data/torch-errors.json)", () => {
  it("is the file this test reads", () => {
    expect([doc.format, doc.version]).toEqual(["rnn-parity-torch-errors", 1]);
    expect(doc.cases.length).toBeGreaterThan(100);
  });

  it.each(doc.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const err = refusal(c);
    expect(err).toBeInstanceOf(c.call.kind === "load_state_dict" ? StateDictError : ModuleError);
    expect(err.message).toBe(oneLine(c.message));
  });
});
