/**
 * A mistake on the command line, or a report that cannot be written: exit status 2 with one line
 * "rnn-parity: <message>" on stderr, like an unusable input file.
 */
import { RnnParityError } from "../../core/errors.js";

export class UsageError extends RnnParityError {
  override name = "UsageError";
}
