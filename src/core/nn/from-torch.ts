import { ModuleError } from "../errors.js";
import type {
  Fixture,
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

export type AnyModule = RNN | RNNCell | LSTM | LSTMCell | GRU | GRUCell;

/** The options every layered module shares, from torch's snake_case kwargs. */
function layered(c: TorchGRUConfig, dtype: DType): ConstructorParameters<typeof GRU>[0] {
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

function cell(c: TorchGatedCellConfig, dtype: DType): ConstructorParameters<typeof GRUCell>[0] {
  return { inputSize: c.input_size, hiddenSize: c.hidden_size, bias: c.bias, dtype };
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
  switch (module) {
    case "RNNCell": {
      const c = config as TorchRNNCellConfig;
      return new RNNCell({ ...cell(c, dtype), nonlinearity: c.nonlinearity });
    }
    case "RNN": {
      const c = config as TorchRNNConfig;
      return new RNN({ ...layered(c, dtype), nonlinearity: c.nonlinearity });
    }
    case "LSTM": {
      const c = config as TorchLSTMConfig;
      return new LSTM({ ...layered(c, dtype), projSize: c.proj_size });
    }
    case "GRU":
      return new GRU(layered(config as TorchGRUConfig, dtype));
    case "LSTMCell":
      return new LSTMCell(cell(config as TorchGatedCellConfig, dtype));
    case "GRUCell":
      return new GRUCell(cell(config as TorchGatedCellConfig, dtype));
    default:
      throw new ModuleError(`Unknown module '${String(module)}'. Select from 'RNN', 'RNNCell', 'LSTM', 'LSTMCell', 'GRU' or 'GRUCell'.`);
  }
}

/** The fixture's module with the fixture's weights loaded (strictly), ready to run its inputs. */
export function moduleFromFixture(f: Fixture): AnyModule {
  const module = moduleFromTorchConfig(f.module, f.config, f.dtype);
  module.loadStateDict(f.stateDict);
  return module;
}
