/** Plain aligned columns for the text reports: no borders, so a row costs only its content's width. */

export type Align = "left" | "right";

export interface Column {
  head: string;
  align: Align;
}

/** Width as a terminal shows it: code points, not UTF-16 units ("…" and "✗" are one column). */
export function displayWidth(s: string): number {
  return [...s].length;
}

function pad(s: string, width: number, align: Align): string {
  const gap = " ".repeat(Math.max(0, width - displayWidth(s)));
  return align === "left" ? s + gap : gap + s;
}

/** Each column as wide as its widest cell; two spaces between columns; no trailing blanks. */
export function columnWidths(columns: readonly Column[], rows: readonly (readonly string[])[]): number[] {
  return columns.map((c, i) => Math.max(displayWidth(c.head), ...rows.map((r) => displayWidth(r[i] ?? ""))));
}

export function renderColumns(columns: readonly Column[], rows: readonly (readonly string[])[], widths = columnWidths(columns, rows)): string[] {
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => pad(cell, widths[i] ?? 0, columns[i]?.align ?? "left"))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.head)), ...rows.map(line)];
}

/**
 * `s` in at most `width` columns, cut in the middle with "…": a case name's beginning (its group)
 * and end (layers, h0) both say which case it is. Whole dash-separated words are dropped where
 * possible ("large-…-bidir-L2-h0"), characters only when even that does not fit.
 */
export function elide(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  const words = s.split("-");
  const first = words[0] ?? "";
  for (let keep = words.length - 2; keep >= 1; keep--) {
    const candidate = `${first}-…-${words.slice(-keep).join("-")}`;
    if (displayWidth(candidate) <= width) return candidate;
  }
  const chars = [...s];
  if (width <= 1) return "…".slice(0, Math.max(0, width));
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join("")}…${tail > 0 ? chars.slice(-tail).join("") : ""}`;
}

/**
 * A line of "a, b, c" items folded to `width` columns at its ", " separators, continuation lines
 * indented 4 more than the first. An item wider than the width stays whole (a path is not cut).
 */
export function wrapList(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const indent = " ".repeat((/^ */.exec(line)?.[0].length ?? 0) + 4);
  const parts = line.split(", ");
  const out: string[] = [];
  let current = parts[0] ?? "";
  for (const part of parts.slice(1)) {
    if (displayWidth(`${current}, ${part}`) <= width) current = `${current}, ${part}`;
    else {
      out.push(`${current},`);
      current = `${indent}${part}`;
    }
  }
  out.push(current);
  return out;
}
