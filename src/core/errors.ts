/**
 * Errors of rnn-parity. Every error the library throws on purpose is one of these, so callers
 * (the CLI, CI) can tell "your input is wrong" from "the library has a bug".
 */
/** The field path of problems with the file as a whole (docs/bad-input.md). */
export const FILE_FIELD = "(file)";

export class RnnParityError extends Error {
  override name = "RnnParityError";
}

/** A module was called or configured wrongly: the analogue of torch's RuntimeError/ValueError. */
export class ModuleError extends RnnParityError {
  override name = "ModuleError";
}

/**
 * A broken invariant inside rnn-parity: a bug in this library, never the caller's input (the CLI
 * reports it as an internal error, exit 3). Thrown where going on would compute garbage silently.
 */
export class InternalError extends RnnParityError {
  override name = "InternalError";
}

/** A tensor cannot be built as asked (data, dtype, shape or nesting), or a dimension is out of range. */
export class TensorError extends RnnParityError {
  override name = "TensorError";
}

/** A state dict does not fit the module, as load_state_dict(strict=True) reports it. */
export class StateDictError extends RnnParityError {
  override name = "StateDictError";
}

/**
 * A fixture or model file cannot be used. The message is one line: "<file>: <field path>: <what>".
 */
export class FixtureError extends RnnParityError {
  override name = "FixtureError";
  readonly file: string;
  readonly field: string;
  readonly reason: string;

  constructor(file: string, field: string, reason: string) {
    super(field ? `${file}: ${field}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}
