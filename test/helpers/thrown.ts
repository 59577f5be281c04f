/**
 * The message of the error `f` throws, for tests that check a refusal's whole text. When `type`
 * is given the error must be one. When `f` returns instead, the result is `returned`, which no
 * expected message equals, so the assertion on it fails and says what happened.
 */
import { expect } from "vitest";

export function thrown(f: () => unknown, opts: { type?: abstract new (...args: never[]) => Error; returned?: string } = {}): string {
  try {
    f();
  } catch (err) {
    if (opts.type) expect(err).toBeInstanceOf(opts.type);
    return (err as Error).message;
  }
  return opts.returned ?? "(returned)";
}
