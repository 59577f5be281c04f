export { Tensor, numel, formatShape } from "./tensor/tensor.js";
export type { DType, FloatArray } from "./tensor/dtype.js";
export { RnnParityError, ModuleError, StateDictError, FixtureError } from "./errors.js";
export type { Nonlinearity } from "./kernels/activation.js";
export { RNN } from "./nn/rnn.js";
export { RNNCell } from "./nn/rnn-cell.js";
export type { RNNOptions, RNNCellOptions } from "./nn/options.js";
export { moduleFromFixture, moduleFromTorchConfig } from "./nn/from-torch.js";
export { runTypeScript } from "./oracles/typescript.js";
