/**
 * --filter PATTERN, matched against case names: `/regex/` (optionally `/regex/i`) is a regular
 * expression searched in the name; a pattern with `*` or `?` is a glob over the whole name (`*` any
 * run of characters, `?` one character); anything else is a substring. Case-sensitive otherwise.
 */
import { UsageError } from "./usage-error.js";

export type NameFilter = (name: string) => boolean;

/** A whole-name glob: `*` any run of characters, `?` one, everything else literal (--filter and expectation files). */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

export function compileFilter(pattern: string): NameFilter {
  if (pattern === "") throw new UsageError("--filter: empty pattern");
  const regex = /^\/(.+)\/(i?)$/.exec(pattern);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(regex[1] ?? "", regex[2]);
    } catch (err) {
      throw new UsageError(`--filter ${pattern}: invalid regular expression (${err instanceof Error ? err.message : String(err)})`);
    }
    return (name) => re.test(name);
  }
  if (/[*?]/.test(pattern)) {
    const re = globToRegExp(pattern);
    return (name) => re.test(name);
  }
  return (name) => name.includes(pattern);
}

/** A case runs when any of the patterns matches it; no pattern selects every case. */
export function compileFilters(patterns: readonly string[]): NameFilter {
  const filters = patterns.map(compileFilter);
  return filters.length === 0 ? () => true : (name) => filters.some((f) => f(name));
}
