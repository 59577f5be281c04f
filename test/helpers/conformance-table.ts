/**
 * An adapter's conformance table from a `check --reporter json` report: one row per module (packed
 * cases apart) and dtype, with case counts by outcome, the worst error against torch and the reasons
 * for what is not a pass. docs/conformance-tfjs.md embeds it between markers and
 * test/examples.test.ts checks the embedded copy against a fresh run, so the page cannot drift.
 */
export interface ReportComparison {
  case: string;
  module: string;
  dtype: string;
  oracle: string;
  tensor: string;
  passed: boolean;
  maxAbsDiff: number | string;
  headroom: number | string;
  /** "passed", "failed", "xfail" (an --expectations entry expects it), "xpass" (docs/report-json.md). */
  status: string;
}

export interface ReportUnsupported {
  case: string;
  module: string;
  dtype: string;
  reason: string;
}

export interface Report {
  comparisons: ReportComparison[];
  unsupported?: ReportUnsupported[];
}

const MODULES = ["RNNCell", "RNN", "LSTMCell", "LSTM", "GRUCell", "GRU"];
const DTYPES = ["float32", "float64"];

interface Row {
  cases: Set<string>;
  failedCases: Set<string>;
  expectedCases: Set<string>;
  unsupported: Set<string>;
  worstAbs: number;
  worstHeadroom: number;
  reasons: Set<string>;
}

function rowName(module: string, caseName: string): string {
  return caseName.includes("-packed-") ? `${module} packed` : module;
}

function num(v: number | string): number {
  return typeof v === "number" ? v : Number(v);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}

/** The markdown table (torch oracle only) and its numbered reasons, as the docs page embeds it. */
export function conformanceTable(report: Report): string {
  const rows = new Map<string, Row>();
  const row = (module: string, caseName: string, dtype: string): Row => {
    const key = `${rowName(module, caseName)}|${dtype}`;
    let r = rows.get(key);
    if (!r) {
      r = { cases: new Set(), failedCases: new Set(), expectedCases: new Set(), unsupported: new Set(), worstAbs: 0, worstHeadroom: 1, reasons: new Set() };
      rows.set(key, r);
    }
    return r;
  };
  for (const c of report.comparisons) {
    if (c.oracle !== "torch") continue;
    const r = row(c.module, c.case, c.dtype);
    r.cases.add(c.case);
    if (c.status === "xfail") r.expectedCases.add(c.case);
    else if (c.status !== "passed") r.failedCases.add(c.case);
    r.worstAbs = Math.max(r.worstAbs, num(c.maxAbsDiff));
    r.worstHeadroom = Math.min(r.worstHeadroom, num(c.headroom));
  }
  for (const u of report.unsupported ?? []) {
    const r = row(u.module, u.case, u.dtype);
    r.unsupported.add(u.case);
    r.reasons.add(u.reason);
  }
  const reasons: string[] = [];
  const lines = [
    "| module | dtype | cases | passed | expected failure | failed | unsupported | worst abs diff vs torch | headroom | why not a pass |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const m of MODULES) {
    for (const name of [m, `${m} packed`]) {
      for (const dtype of DTYPES) {
        const r = rows.get(`${name}|${dtype}`);
        if (!r) continue;
        const compared = r.cases.size;
        const notPassed = new Set([...r.failedCases, ...r.expectedCases]);
        const refs = [...r.reasons].map((why) => {
          if (!reasons.includes(why)) reasons.push(why);
          return `[${reasons.indexOf(why) + 1}]`;
        });
        lines.push(
          `| ${name} | ${dtype} | ${compared + r.unsupported.size} | ${compared - notPassed.size} | ${r.expectedCases.size} | ${r.failedCases.size} | ${r.unsupported.size} | ${compared ? fmt(r.worstAbs) : "–"} | ${compared ? `${(r.worstHeadroom * 100).toFixed(1)}%` : "–"} | ${refs.join(" ") || "–"} |`,
        );
      }
    }
  }
  return [...lines, "", ...reasons.map((why, i) => `${i + 1}. unsupported: ${why}`)].join("\n");
}

export const TABLE_BEGIN = "<!-- conformance-table:begin (test/examples.test.ts checks it; RNN_PARITY_WRITE_DOCS=1 rewrites it) -->";
export const TABLE_END = "<!-- conformance-table:end -->";

/** The table embedded in a docs page, or null when the markers are missing. */
export function embeddedTable(page: string): string | null {
  const begin = page.indexOf(TABLE_BEGIN);
  const end = page.indexOf(TABLE_END);
  if (begin < 0 || end < begin) return null;
  return page.slice(begin + TABLE_BEGIN.length, end).trim();
}

export function withTable(page: string, table: string): string {
  const begin = page.indexOf(TABLE_BEGIN);
  const end = page.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`the page lacks the markers ${TABLE_BEGIN} … ${TABLE_END}`);
  return `${page.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${page.slice(end)}`;
}
