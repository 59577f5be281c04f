import { ModuleError } from "../errors.js";
import type { Fixture, ModuleName, TorchConfig, TorchRNNCellConfig, TorchRNNConfig } from "../fixtures/types.js";
import type { DType } from "../tensor/dtype.js";
import { RNN } from "./rnn.js";
import { RNNCell } from "./rnn-cell.js";

/** Builds a module from torch's constructor kwargs (snake_case, as a fixture or manifest stores them). */
export function moduleFromTorchConfig(module: "RNN", config: TorchRNNConfig, dtype: DType): RNN;
export function moduleFromTorchConfig(module: "RNNCell", config: TorchRNNCellConfig, dtype: DType): RNNCell;
export function moduleFromTorchConfig(module: ModuleName, config: TorchConfig, dtype: DType): RNN | RNNCell;
export function moduleFromTorchConfig(module: ModuleName, config: TorchConfig, dtype: DType): RNN | RNNCell {
  if (module === "RNNCell") {
    const c = config as TorchRNNCellConfig;
    return new RNNCell({
      inputSize: c.input_size,
      hiddenSize: c.hidden_size,
      bias: c.bias,
      nonlinearity: c.nonlinearity,
      dtype,
    });
  }
  if (module === "RNN") {
    const c = config as TorchRNNConfig;
    return new RNN({
      inputSize: c.input_size,
      hiddenSize: c.hidden_size,
      numLayers: c.num_layers,
      nonlinearity: c.nonlinearity,
      bias: c.bias,
      batchFirst: c.batch_first,
      dropout: c.dropout,
      bidirectional: c.bidirectional,
      dtype,
    });
  }
  if (module === "LSTM" || module === "LSTMCell" || module === "GRU" || module === "GRUCell") {
    throw new ModuleError(`${module} is not implemented in this version of rnn-parity`);
  }
  throw new ModuleError(`Unknown module '${String(module)}'. Select from 'RNN', 'RNNCell', 'LSTM', 'LSTMCell', 'GRU' or 'GRUCell'.`);
}

/** The fixture's module with the fixture's weights loaded (strictly), ready to run its inputs. */
export function moduleFromFixture(f: Fixture): RNN | RNNCell {
  const module = moduleFromTorchConfig(f.module, f.config, f.dtype);
  module.loadStateDict(f.stateDict);
  return module;
}
