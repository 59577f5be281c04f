/**
 * Every refusal of manifest.json and of a module config, with its exact one-line message, plus the
 * boundaries and the accepted path's exact result: the manifest root, relative paths (each way out
 * of the fixtures folder on its own), the onnx entry's fields and optional fields, packing on a
 * cell, duplicate files, each config field of each module, dropout's [0, 1], module names under an
 * unknown version, hiddenOutSize, and JSON.parse's message folded onto one line. The manifests
 * here are small and synthetic, built in memory; none names a real file.
 */
import { describe, expect, it } from "vitest";
import { parseJsonText } from "../src/core/format/json-text.js";
import { hiddenOutSize } from "../src/core/format/state-dict-layout.js";
import type { ModuleName, TorchConfig } from "../src/core/format/types.js";
import { readConfig, readModuleName } from "../src/core/format/validate-config.js";
import { validateManifest } from "../src/core/format/validate-manifest.js";
import { fixtureErrorOf, type RawMap } from "./helpers/fixture-bytes.js";

const M = "fixtures/manifest.json";
const SHA = (digit: string): string => digit.repeat(64);

const CONFIGS: Readonly<Record<ModuleName, RawMap>> = {
  RNN: { input_size: 4, hidden_size: 6, num_layers: 2, nonlinearity: "relu", bias: true, batch_first: false, dropout: 0, bidirectional: true },
  RNNCell: { input_size: 4, hidden_size: 6, bias: false, nonlinearity: "tanh" },
  LSTM: { input_size: 4, hidden_size: 6, num_layers: 1, bias: true, batch_first: true, dropout: 0.5, bidirectional: false, proj_size: 3 },
  LSTMCell: { input_size: 3, hidden_size: 5, bias: true },
  GRU: { input_size: 4, hidden_size: 6, num_layers: 1, bias: false, batch_first: true, dropout: 1, bidirectional: false },
  GRUCell: { input_size: 2, hidden_size: 7, bias: false },
};
const MODULES = Object.keys(CONFIGS) as ModuleName[];

function onnxEntry(n: number): RawMap {
  return { file: `onnx/case-${n}.onnx`, sha256: SHA("c"), exporter: "torch.onnx-torchscript", opset: 20 };
}

/** Case n as the file writes it: a GRU with its own file, sha256 and onnx graph. */
function rawCase(n: number, module: ModuleName = "GRU"): RawMap {
  return {
    name: `case-${n}`,
    module,
    config: structuredClone(CONFIGS[module]),
    dtype: "float32",
    file: `float32/case-${n}.msgpack`,
    sha256: SHA("a"),
    onnx: onnxEntry(n),
  };
}

function rawManifest(...cases: RawMap[]): RawMap {
  return { format: "rnn-parity-manifest", version: 2, torch_version: "2.13.0+cpu", cases };
}

/** A one-case manifest with case 0 edited. */
function oneCase(edit: (c: RawMap) => void, module: ModuleName = "GRU"): RawMap {
  const c = rawCase(0, module);
  edit(c);
  return rawManifest(c);
}

function onnxOf(c: RawMap): RawMap {
  return c.onnx as RawMap;
}

function refusal(raw: unknown): string {
  return fixtureErrorOf(() => validateManifest(raw, M)).message;
}

describe("the manifest root", () => {
  const without = (key: string): RawMap => {
    const m = rawManifest(rawCase(0));
    delete m[key];
    return m;
  };
  it.each<{ name: string; raw: unknown; message: string }>([
    { name: "an array instead of a map (no field path)", raw: [], message: `${M}: expected a map, got an array of 0` },
    {
      name: "a key beyond the four",
      raw: { ...rawManifest(rawCase(0)), extra: 1 },
      message: `${M}: extra: unexpected field (expected only: format, version, torch_version, cases)`,
    },
    { name: "torch_version missing", raw: without("torch_version"), message: `${M}: torch_version: missing required field` },
    { name: "cases missing", raw: without("cases"), message: `${M}: cases: missing required field` },
    { name: "torch_version empty", raw: { ...rawManifest(), torch_version: "" }, message: `${M}: torch_version: expected a non-empty string` },
    { name: "torch_version a number", raw: { ...rawManifest(), torch_version: 2 }, message: `${M}: torch_version: expected a string, got the integer 2` },
    { name: "cases a map", raw: { ...rawManifest(), cases: {} }, message: `${M}: cases: expected an array, got a map` },
  ])("$name", ({ raw, message }) => {
    expect(refusal(raw)).toBe(message);
  });

  it("an empty case list is a valid manifest", () => {
    expect(validateManifest(rawManifest(), M)).toStrictEqual({ format: "rnn-parity-manifest", version: 2, torch_version: "2.13.0+cpu", cases: [] });
  });
});

describe("paths stay inside the fixtures folder", () => {
  // Each of these is refused by one check alone: none of the others would catch it.
  const outside: ReadonlyArray<{ name: string; path: string; shown: string }> = [
    { name: "a backslash", path: "float32\\case.msgpack", shown: String.raw`"float32\\case.msgpack"` },
    { name: "a NUL byte", path: "float32/case\0.msgpack", shown: String.raw`"float32/case\u0000.msgpack"` },
    { name: "a drive letter without a slash", path: "C:case.msgpack", shown: `"C:case.msgpack"` },
    { name: "a lowercase drive letter", path: "z:/float32/case.msgpack", shown: `"z:/float32/case.msgpack"` },
    { name: "an empty segment", path: "float32//case.msgpack", shown: `"float32//case.msgpack"` },
    { name: "a trailing slash", path: "float32/case.msgpack/", shown: `"float32/case.msgpack/"` },
    { name: "a leading ./", path: "./case.msgpack", shown: `"./case.msgpack"` },
    { name: "a . segment inside", path: "float32/./case.msgpack", shown: `"float32/./case.msgpack"` },
    { name: "a .. segment", path: "float32/../case.msgpack", shown: `"float32/../case.msgpack"` },
    { name: "an absolute path", path: "/float32/case.msgpack", shown: `"/float32/case.msgpack"` },
  ];
  const asOnnx = (s: string): string => s.replace(".msgpack", ".onnx");

  it.each(outside)("case file with $name is refused", ({ path, shown }) => {
    expect(refusal(oneCase((c) => { c.file = path; }))).toBe(`${M}: cases[0].file: expected a relative path inside the fixtures folder, got ${shown}`);
  });

  it.each(outside)("onnx file with $name is refused", ({ path, shown }) => {
    expect(refusal(oneCase((c) => { onnxOf(c).file = asOnnx(path); }))).toBe(
      `${M}: cases[0].onnx.file: expected a relative path inside the fixtures folder, got ${asOnnx(shown)}`,
    );
  });

  it.each<{ name: string; edit: (c: RawMap) => void; message: string }>([
    { name: "a case file that is not .msgpack", edit: (c) => { c.file = "float32/case.json"; }, message: `${M}: cases[0].file: expected a .msgpack file, got "float32/case.json"` },
    { name: "a case file that is .onnx", edit: (c) => { c.file = "onnx/case.onnx"; }, message: `${M}: cases[0].file: expected a .msgpack file, got "onnx/case.onnx"` },
    { name: "an onnx file that is .msgpack", edit: (c) => { onnxOf(c).file = "onnx/case.msgpack"; }, message: `${M}: cases[0].onnx.file: expected a .onnx file, got "onnx/case.msgpack"` },
    { name: "an empty case file", edit: (c) => { c.file = ""; }, message: `${M}: cases[0].file: expected a non-empty string` },
  ])("$name is refused", ({ edit, message }) => {
    expect(refusal(oneCase(edit))).toBe(message);
  });

  // Dots and colons that are part of a name are not a way out.
  it.each(["case.msgpack", "float32/sub/case.msgpack", "float32/..case.msgpack", "float32/.case.msgpack", "float32/a:b.msgpack", "float32/x.y.msgpack"])(
    "%s is accepted as written",
    (path) => {
      const m = validateManifest(oneCase((c) => { c.file = path; onnxOf(c).file = asOnnx(path); }), M);
      expect(m.cases[0]?.file).toBe(path);
      expect(m.cases[0]?.onnx?.file).toBe(asOnnx(path));
    },
  );
});

describe("the onnx entry", () => {
  it.each<{ name: string; edit: (o: RawMap) => void; message: string }>([
    { name: "sha256 not hex", edit: (o) => { o.sha256 = "ABC"; }, message: `${M}: cases[0].onnx.sha256: expected 64 lowercase hex digits` },
    { name: "exporter empty", edit: (o) => { o.exporter = ""; }, message: `${M}: cases[0].onnx.exporter: expected a non-empty string` },
    { name: "opset 0", edit: (o) => { o.opset = 0; }, message: `${M}: cases[0].onnx.opset: expected an integer in [1, 10000], got 0` },
    { name: "opset 10001", edit: (o) => { o.opset = 10_001; }, message: `${M}: cases[0].onnx.opset: expected an integer in [1, 10000], got 10001` },
    { name: "note a number", edit: (o) => { o.note = 5; }, message: `${M}: cases[0].onnx.note: expected a string, got the integer 5` },
    {
      name: "graph null",
      edit: (o) => { o.graph = null; },
      message: `${M}: cases[0].onnx.graph: expected one of "onnx.RNN", "onnx.LSTM", "onnx.GRU", "decomposed", got null`,
    },
    {
      name: "weights a number",
      edit: (o) => { o.weights = 1; },
      message: `${M}: cases[0].onnx.weights: expected one of "onnx-rnn-inputs", "torch-initializers", got the integer 1`,
    },
    { name: "file missing", edit: (o) => { delete o.file; }, message: `${M}: cases[0].onnx.file: missing required field` },
    {
      name: "a field beyond the known ones",
      edit: (o) => { o.extra = "x"; },
      message: `${M}: cases[0].onnx.extra: unexpected field (expected only: file, sha256, exporter, opset, graph, weights, note)`,
    },
  ])("$name is refused", ({ edit, message }) => {
    expect(refusal(oneCase((c) => { edit(onnxOf(c)); }))).toBe(message);
  });

  it.each<{ name: string; edit: (o: RawMap) => void; expected: Record<string, unknown> }>([
    {
      name: "only the required fields: no optional key appears",
      edit: () => {},
      expected: { file: "onnx/case-0.onnx", sha256: SHA("c"), exporter: "torch.onnx-torchscript", opset: 20 },
    },
    {
      name: "opset 1 and graph alone",
      edit: (o) => { o.opset = 1; o.graph = "decomposed"; },
      expected: { file: "onnx/case-0.onnx", sha256: SHA("c"), exporter: "torch.onnx-torchscript", opset: 1, graph: "decomposed" },
    },
    {
      name: "opset 10000 and weights alone",
      edit: (o) => { o.opset = 10_000; o.weights = "torch-initializers"; },
      expected: { file: "onnx/case-0.onnx", sha256: SHA("c"), exporter: "torch.onnx-torchscript", opset: 10_000, weights: "torch-initializers" },
    },
    {
      name: "note alone",
      edit: (o) => { o.note = "fallback exporter"; },
      expected: { file: "onnx/case-0.onnx", sha256: SHA("c"), exporter: "torch.onnx-torchscript", opset: 20, note: "fallback exporter" },
    },
    {
      name: "every optional field, an empty note kept",
      edit: (o) => { o.graph = "onnx.GRU"; o.weights = "onnx-rnn-inputs"; o.note = ""; },
      expected: {
        file: "onnx/case-0.onnx",
        sha256: SHA("c"),
        exporter: "torch.onnx-torchscript",
        opset: 20,
        graph: "onnx.GRU",
        weights: "onnx-rnn-inputs",
        note: "",
      },
    },
  ])("$name", ({ edit, expected }) => {
    const m = validateManifest(oneCase((c) => { edit(onnxOf(c)); }), M);
    expect(m.cases[0]?.onnx).toStrictEqual(expected);
  });
});

describe("a case", () => {
  it.each<{ name: string; edit: (c: RawMap) => void; module?: ModuleName; message: string }>([
    { name: "name empty", edit: (c) => { c.name = ""; }, message: `${M}: cases[0].name: expected a non-empty string` },
    { name: "name missing", edit: (c) => { delete c.name; }, message: `${M}: cases[0].name: missing required field` },
    { name: "sha256 uppercase", edit: (c) => { c.sha256 = SHA("A"); }, message: `${M}: cases[0].sha256: expected 64 lowercase hex digits` },
    ...(["RNNCell", "LSTMCell", "GRUCell"] as const).map((module) => ({
      name: `packing on ${module}`,
      module,
      edit: (c: RawMap): void => { c.packing = { enforce_sorted: true }; },
      message: `${M}: cases[0].packing: ${module} takes one time step; only RNN, LSTM and GRU take packed sequences`,
    })),
    {
      name: "packing with a field beyond enforce_sorted",
      edit: (c) => { c.packing = { enforce_sorted: true, lengths: [] }; },
      message: `${M}: cases[0].packing.lengths: unexpected field (expected only: enforce_sorted)`,
    },
  ])("$name is refused", ({ edit, module, message }) => {
    expect(refusal(oneCase(edit, module))).toBe(message);
  });

  it.each(["RNN", "LSTM", "GRU"] as const)("packing on %s is read as { enforceSorted }", (module) => {
    const m = validateManifest(oneCase((c) => { c.packing = { enforce_sorted: false }; }, module), M);
    expect(m.cases[0]?.packing).toStrictEqual({ enforceSorted: false });
  });

  it("two cases, one without onnx: the parsed manifest field by field", () => {
    const second = rawCase(1, "RNNCell");
    delete second.onnx;
    const m = validateManifest(rawManifest(rawCase(0, "LSTM"), second), M);
    expect(m).toStrictEqual({
      format: "rnn-parity-manifest",
      version: 2,
      torch_version: "2.13.0+cpu",
      cases: [
        {
          name: "case-0",
          module: "LSTM",
          config: CONFIGS.LSTM,
          dtype: "float32",
          file: "float32/case-0.msgpack",
          sha256: SHA("a"),
          onnx: { file: "onnx/case-0.onnx", sha256: SHA("c"), exporter: "torch.onnx-torchscript", opset: 20 },
        },
        { name: "case-1", module: "RNNCell", config: CONFIGS.RNNCell, dtype: "float32", file: "float32/case-1.msgpack", sha256: SHA("a") },
      ],
    });
  });
});

describe("a file listed twice", () => {
  const three = (edit: (cases: RawMap[]) => void): RawMap => {
    const cases = [rawCase(0), rawCase(1), rawCase(2)];
    edit(cases);
    return rawManifest(...cases);
  };
  const at = (cases: RawMap[], i: number): RawMap => cases[i] as RawMap;
  it.each<{ name: string; edit: (cases: RawMap[]) => void; message: string }>([
    {
      name: "the same fixture file in cases 0 and 1",
      edit: (cs) => { at(cs, 1).file = "float32/case-0.msgpack"; },
      message: `${M}: cases[1].file: float32/case-0.msgpack is also listed by cases[0]`,
    },
    {
      name: "the same fixture file in cases 1 and 2",
      edit: (cs) => { at(cs, 2).file = "float32/case-1.msgpack"; },
      message: `${M}: cases[2].file: float32/case-1.msgpack is also listed by cases[1]`,
    },
    {
      name: "the same onnx file in cases 0 and 2",
      edit: (cs) => { onnxOf(at(cs, 2)).file = "onnx/case-0.onnx"; },
      message: `${M}: cases[2].onnx.file: onnx/case-0.onnx is also listed by cases[0]`,
    },
    {
      name: "the same onnx file after a case without onnx",
      edit: (cs) => { delete at(cs, 1).onnx; onnxOf(at(cs, 2)).file = "onnx/case-0.onnx"; },
      message: `${M}: cases[2].onnx.file: onnx/case-0.onnx is also listed by cases[0]`,
    },
  ])("$name is refused", ({ edit, message }) => {
    expect(refusal(three(edit))).toBe(message);
  });

  it("three cases, each with its own files, are accepted in order", () => {
    const m = validateManifest(three(() => {}), M);
    expect(m.cases.map((c) => [c.file, c.onnx?.file])).toEqual([
      ["float32/case-0.msgpack", "onnx/case-0.onnx"],
      ["float32/case-1.msgpack", "onnx/case-1.onnx"],
      ["float32/case-2.msgpack", "onnx/case-2.onnx"],
    ]);
  });
});

describe("module configs", () => {
  const F = "fixtures/x.msgpack";
  const configRefusal = (module: ModuleName, edit: (c: RawMap) => void): string => {
    const c = structuredClone(CONFIGS[module]);
    edit(c);
    return fixtureErrorOf(() => readConfig(F, "config", module, c)).message;
  };

  it.each(MODULES)("a valid %s config reads back exactly", (module) => {
    expect(readConfig(F, "config", module, structuredClone(CONFIGS[module]))).toStrictEqual(CONFIGS[module]);
  });

  type FieldCase = { name: string; module: ModuleName; key: string; value: unknown; reason: string };
  const SIZE_0 = "expected an integer in [1, 16777216], got 0";
  const perField = (module: ModuleName, key: string, value: unknown, reason: string): FieldCase => ({
    name: `${module} ${key} = ${JSON.stringify(value)}`,
    module,
    key,
    value,
    reason,
  });
  const sizesAndBias = (module: ModuleName): FieldCase[] => [
    perField(module, "input_size", 0, SIZE_0),
    perField(module, "hidden_size", 0, SIZE_0),
    perField(module, "bias", "yes", `expected true or false, got the string "yes"`),
  ];
  const layered = (module: ModuleName): FieldCase[] => [
    ...sizesAndBias(module),
    perField(module, "num_layers", 0, "expected an integer in [1, 512], got 0"),
    perField(module, "batch_first", 1, "expected true or false, got the integer 1"),
    perField(module, "bidirectional", null, "expected true or false, got null"),
    perField(module, "dropout", 2, "expected a number in [0, 1], got the integer 2"),
  ];
  it.each<FieldCase>([
    ...sizesAndBias("RNNCell"),
    perField("RNNCell", "nonlinearity", "sigmoid", `unknown value "sigmoid" (expected one of "tanh", "relu")`),
    ...sizesAndBias("LSTMCell"),
    ...sizesAndBias("GRUCell"),
    ...layered("RNN"),
    perField("RNN", "nonlinearity", 1, `expected one of "tanh", "relu", got the integer 1`),
    ...layered("GRU"),
    ...layered("LSTM"),
    perField("LSTM", "proj_size", -1, "-1: proj_size should be a positive integer or zero to disable projections"),
    perField("LSTM", "proj_size", 6, "6 with hidden_size=6: proj_size has to be smaller than hidden_size"),
    perField("LSTM", "proj_size", 0.5, "expected an integer, got the number 0.5"),
  ])("$name is refused", ({ module, key, value, reason }) => {
    expect(configRefusal(module, (c) => { c[key] = value; })).toBe(`${F}: config.${key}: ${reason}`);
  });

  it.each(MODULES)("a %s config missing a key or with an extra one is refused", (module) => {
    const keys = Object.keys(CONFIGS[module]);
    expect(configRefusal(module, (c) => { delete c.hidden_size; })).toBe(`${F}: config.hidden_size: missing required field`);
    expect(configRefusal(module, (c) => { c.extra = 1; })).toBe(`${F}: config.extra: unexpected field (expected only: ${expectedKeyOrder(module, keys)})`);
  });

  // dropout: a number in [0, 1], both ends included, never a string, boolean or null that
  // coerces to one.
  it.each<{ name: string; value: unknown; shown: string }>([
    { name: "just below 0", value: -0.1, shown: "the number -0.1" },
    { name: "-1", value: -1, shown: "the integer -1" },
    { name: "just above 1", value: 1.0001, shown: "the number 1.0001" },
    { name: "NaN", value: Number.NaN, shown: "the number NaN" },
    { name: "a numeric string", value: "0.5", shown: `the string "0.5"` },
    { name: "true", value: true, shown: "the boolean true" },
    { name: "false", value: false, shown: "the boolean false" },
    { name: "null", value: null, shown: "null" },
    { name: "an empty array", value: [], shown: "an array of 0" },
  ])("dropout $name is refused", ({ value, shown }) => {
    expect(configRefusal("GRU", (c) => { c.dropout = value; })).toBe(`${F}: config.dropout: expected a number in [0, 1], got ${shown}`);
  });

  it.each([0, 1e-9, 0.5, 1 - 1e-9, 1])("dropout %s is accepted as is", (dropout) => {
    const c = readConfig(F, "config", "RNN", { ...CONFIGS.RNN, dropout });
    expect(c).toStrictEqual({ ...CONFIGS.RNN, dropout });
  });

  it("an LSTM's largest proj_size is hidden_size - 1, and 0 disables it", () => {
    expect(readConfig(F, "config", "LSTM", { ...CONFIGS.LSTM, proj_size: 5 })).toStrictEqual({ ...CONFIGS.LSTM, proj_size: 5 });
    expect(readConfig(F, "config", "LSTM", { ...CONFIGS.LSTM, proj_size: 0 })).toStrictEqual({ ...CONFIGS.LSTM, proj_size: 0 });
  });
});

/** requireKeys lists the keys in the reader's own order, which is torch's constructor order. */
function expectedKeyOrder(module: ModuleName, keys: readonly string[]): string {
  const order: Readonly<Record<ModuleName, readonly string[]>> = {
    RNN: ["input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first", "dropout", "bidirectional"],
    RNNCell: ["input_size", "hidden_size", "bias", "nonlinearity"],
    LSTM: ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional", "proj_size"],
    LSTMCell: ["input_size", "hidden_size", "bias"],
    GRU: ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional"],
    GRUCell: ["input_size", "hidden_size", "bias"],
  };
  expect([...order[module]].sort()).toEqual([...keys].sort());
  return order[module].join(", ");
}

describe("module names by format version", () => {
  it.each<{ version: number; module: ModuleName; message: string }>([
    { version: 1, module: "GRUCell", message: "f: module: GRUCell needs format version 2, but this file is version 1 (which has only RNN, RNNCell)" },
    // A version no reader accepts (the header check refuses it first) holds no module at all.
    { version: 3, module: "RNN", message: "f: module: RNN needs format version 2, but this file is version 3 (which has only )" },
    { version: 0, module: "LSTM", message: "f: module: LSTM needs format version 2, but this file is version 0 (which has only )" },
  ])("$module in version $version is refused", ({ version, module, message }) => {
    expect(fixtureErrorOf(() => readModuleName("f", "module", module, version)).message).toBe(message);
  });

  it.each<{ version: number; module: ModuleName }>([
    { version: 1, module: "RNN" },
    { version: 1, module: "RNNCell" },
    ...MODULES.map((module) => ({ version: 2, module })),
  ])("$module in version $version is accepted", ({ version, module }) => {
    expect(readModuleName("f", "module", module, version)).toBe(module);
  });
});

describe("hiddenOutSize", () => {
  const lstm = (proj: number): TorchConfig => ({ ...CONFIGS.LSTM, proj_size: proj }) as unknown as TorchConfig;
  it.each<{ name: string; module: ModuleName; config: TorchConfig; size: number }>([
    { name: "a projecting LSTM: proj_size", module: "LSTM", config: lstm(3), size: 3 },
    { name: "an LSTM with proj_size 0: hidden_size", module: "LSTM", config: lstm(0), size: 6 },
    // The module decides, not the config's keys: only an LSTM projects.
    { name: "a GRU given a config that carries proj_size: hidden_size", module: "GRU", config: lstm(3), size: 6 },
    { name: "an RNN given a config that carries proj_size: hidden_size", module: "RNN", config: lstm(2), size: 6 },
    { name: "a GRUCell: hidden_size", module: "GRUCell", config: CONFIGS.GRUCell as unknown as TorchConfig, size: 7 },
  ])("$name", ({ module, config, size }) => {
    expect(hiddenOutSize(module, config)).toBe(size);
  });
});

describe("JSON text", () => {
  const J = "fixtures/manifest.json";
  const nativeMessage = (text: string): string => {
    try {
      JSON.parse(text);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error(`${JSON.stringify(text)} parsed`);
  };

  it.each<{ name: string; text: string }>([
    { name: "a newline and tabs inside the quoted source", text: "[1,\n\t\t2,,]" },
    { name: "runs of spaces and CRLF", text: '{"a":   \r\n   tru}' },
    { name: "blank lines before the bad token", text: "[1,   \n\n  x" },
  ])("$name: one line, each whitespace run one space", ({ text }) => {
    const native = nativeMessage(text);
    // The case must test something: a run of several whitespace characters inside the message.
    expect(native).toMatch(/\S\s{2,}\S/);
    const words = native.split(/\s+/);
    expect(words.every((w) => w !== "")).toBe(true);
    const err = fixtureErrorOf(() => parseJsonText(text, J));
    expect(err.message).toBe(`${J}: (json): not valid JSON (${words.join(" ")})`);
    expect(err.message).not.toMatch(/\s\s/);
  });

  it.each<{ text: string; value: unknown }>([
    { text: '{"a": [1, 2]}', value: { a: [1, 2] } },
    { text: " \n 3 \n", value: 3 },
    { text: "null", value: null },
  ])("$text parses to its value", ({ text, value }) => {
    expect(parseJsonText(text, J)).toStrictEqual(value);
  });
});
