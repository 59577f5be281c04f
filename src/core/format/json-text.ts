import { FixtureError } from "../errors.js";

/**
 * A JSON file's text parsed, or one FixtureError "<file>: (json): not valid JSON (...)" on a single
 * line (JSON.parse's message can span lines). Shared by every JSON input: manifest, expectations.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\s+/g, " ") : String(err);
    throw new FixtureError(file, "(json)", `not valid JSON (${message})`);
  }
}
