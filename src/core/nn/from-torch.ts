import { ModuleError } from "../errors.js";
import type {
  Fixture,
  ModuleConfigs,
  ModuleName,
  TorchConfig,
  TorchGatedCellConfig,
  TorchGRUConfig,
  TorchLSTMConfig,
  TorchRNNCellConfig,
  TorchRNNConfig,
} from "../format/types.js";
import type { DType } from "../tensor/dtype.js";
import { GRU } from "./gru.js";
import { GRUCell } from "./gru-cell.js";
import { LSTM } from "./lstm.js";
import { LSTMCell } from "./lstm-cell.js";
import { RNN } from "./rnn.js";
import { RNNCell } from "./rnn-cell.js";
import type { GRUCellOptions, GRUOptions, LSTMCellOptions, LSTMOptions, RNNCellOptions, RNNOptions } from "./options.js";

export type AnyModule = RNN | RNNCell | LSTM | LSTMCell | GRU | GRUCell;

function unknownModule(module: never): ModuleError {
  return new ModuleError(`Unknown module '${String(module)}'. Select from 'RNN', 'RNNCell', 'LSTM', 'LSTMCell', 'GRU' or 'GRUCell'.`);
}

/** Each module's constructor options with every field given (the seed aside): what a config spells out. */
export interface ModuleOptions {
  RNN: Required<Omit<RNNOptions, "seed">>;
  RNNCell: Required<Omit<RNNCellOptions, "seed">>;
  LSTM: Required<Omit<LSTMOptions, "seed">>;
  LSTMCell: Required<Omit<LSTMCellOptions, "seed">>;
  GRU: Required<Omit<GRUOptions, "seed">>;
  GRUCell: Required<Omit<GRUCellOptions, "seed">>;
}

/** The options every layered module shares, from torch's snake_case kwargs. */
function layered(c: TorchGRUConfig, dtype: DType): ModuleOptions["GRU"] {
  return {
    inputSize: c.input_size,
    hiddenSize: c.hidden_size,
    numLayers: c.num_layers,
    bias: c.bias,
    batchFirst: c.batch_first,
    dropout: c.dropout,
    bidirectional: c.bidirectional,
    dtype,
  };
}

function cell(c: TorchGatedCellConfig, dtype: DType): ModuleOptions["GRUCell"] {
  return { inputSize: c.input_size, hiddenSize: c.hidden_size, bias: c.bias, dtype };
}

/** torch's constructor kwargs (snake_case) as our constructor's options (camelCase), field for field. */
export function optionsFromTorchConfig<M extends ModuleName>(module: M, config: ModuleConfigs[M], dtype: DType): ModuleOptions[M];
export function optionsFromTorchConfig(module: ModuleName, config: TorchConfig, dtype: DType): ModuleOptions[ModuleName] {
  switch (module) {
    case "RNNCell": {
      const c = config as TorchRNNCellConfig;
      return { ...cell(c, dtype), nonlinearity: c.nonlinearity };
    }
    case "RNN": {
      const c = config as TorchRNNConfig;
      return { ...layered(c, dtype), nonlinearity: c.nonlinearity };
    }
    case "LSTM": {
      const c = config as TorchLSTMConfig;
      return { ...layered(c, dtype), projSize: c.proj_size };
    }
    case "GRU":
      return layered(config as TorchGRUConfig, dtype);
    case "LSTMCell":
    case "GRUCell":
      return cell(config as TorchGatedCellConfig, dtype);
    default:
      throw unknownModule(module);
  }
}

/** Builds a module from torch's constructor kwargs (snake_case, as a fixture or manifest stores them). */
export function moduleFromTorchConfig(module: "RNN", config: TorchRNNConfig, dtype: DType): RNN;
export function moduleFromTorchConfig(module: "RNNCell", config: TorchRNNCellConfig, dtype: DType): RNNCell;
export function moduleFromTorchConfig(module: "LSTM", config: TorchLSTMConfig, dtype: DType): LSTM;
export function moduleFromTorchConfig(module: "LSTMCell", config: TorchGatedCellConfig, dtype: DType): LSTMCell;
export function moduleFromTorchConfig(module: "GRU", config: TorchGRUConfig, dtype: DType): GRU;
export function moduleFromTorchConfig(module: "GRUCell", config: TorchGatedCellConfig, dtype: DType): GRUCell;
export function moduleFromTorchConfig(module: ModuleName, config: TorchConfig, dtype: DType): AnyModule;
export function moduleFromTorchConfig(module: ModuleName, config: TorchConfig, dtype: DType): AnyModule {
  return moduleFromOptions(module, optionsFromTorchConfig(module, config, dtype));
}

/** Constructs `module` from its options (a ModuleOptions of that module). */
export function moduleFromOptions(module: ModuleName, options: ModuleOptions[ModuleName]): AnyModule {
  switch (module) {
    case "RNNCell":
      return new RNNCell(options as ModuleOptions["RNNCell"]);
    case "RNN":
      return new RNN(options as ModuleOptions["RNN"]);
    case "LSTM":
      return new LSTM(options as ModuleOptions["LSTM"]);
    case "GRU":
      return new GRU(options as ModuleOptions["GRU"]);
    case "LSTMCell":
      return new LSTMCell(options as ModuleOptions["LSTMCell"]);
    case "GRUCell":
      return new GRUCell(options as ModuleOptions["GRUCell"]);
    default:
      throw unknownModule(module);
  }
}

/** The fixture's module with the fixture's weights loaded (strictly), ready to run its inputs. */
export function moduleFromFixture(f: Fixture): AnyModule {
  const module = moduleFromTorchConfig(f.module, f.config, f.dtype);
  module.loadStateDict(f.stateDict);
  return module;
}
