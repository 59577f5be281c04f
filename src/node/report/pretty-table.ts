/**
 * The per-comparison tables behind `--verbose`: one per module, a row per case, oracle and compared
 * tensor, with every number the comparison has.
 */
import Table from "cli-table3";
import type picocolors from "picocolors";
import { formatShape } from "../../core/tensor/tensor.js";
import { formatDiff, formatHeadroom, formatTol, printable } from "./format.js";
import type { ComparisonRow } from "./model.js";

export type Colors = ReturnType<typeof picocolors.createColors>;

function groupByModule(rows: readonly ComparisonRow[]): Map<string, ComparisonRow[]> {
  const groups = new Map<string, ComparisonRow[]>();
  for (const r of rows) {
    const list = groups.get(r.module) ?? [];
    list.push(r);
    groups.set(r.module, list);
  }
  return groups;
}

function moduleTable(rows: readonly ComparisonRow[], c: Colors): string {
  const table = new Table({
    head: ["case", "oracle", "tensor", "dtype", "max abs diff", "max rel diff", "mismatched", "rtol / atol", "headroom", "result"],
    colAligns: ["left", "left", "left", "left", "right", "right", "right", "right", "right", "left"],
    // cli-table3 colours the head and borders itself; colour is our decision, made once.
    style: { head: [], border: [], compact: true },
  });
  let previousCase = "";
  for (const r of rows) {
    const label = r.case === previousCase ? "" : printable(r.case);
    previousCase = r.case;
    table.push([
      label,
      r.oracle,
      `${r.tensor} ${formatShape(r.shape)}`,
      r.dtype,
      formatDiff(r.maxAbsDiff),
      formatDiff(r.maxRelDiff),
      `${r.mismatched}/${r.total}`,
      `${formatTol(r.rtol)} / ${formatTol(r.atol)}`,
      formatHeadroom(r.headroom),
      ({ passed: c.green("PASS"), failed: c.bold(c.red("FAIL")), xfail: c.yellow("XFAIL"), xpass: c.bold(c.red("XPASS")) } as const)[r.status],
    ]);
  }
  return table.toString();
}

/** Every module's table, each under its name and followed by a blank line. */
export function comparisonTables(rows: readonly ComparisonRow[], c: Colors): string[] {
  const out: string[] = [];
  for (const [module, list] of groupByModule(rows)) out.push(c.bold(module), moduleTable(list, c), "");
  return out;
}
