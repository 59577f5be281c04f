/** The HTML report's stylesheet (inline in the page). */
export const HTML_STYLE = `
:root { --fail: #c62828; --pass: #2e7d32; --muted: #666; --line: #ddd; --xfail: #8d6e00; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 16px 24px; max-width: 1400px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.verdict.pass { color: var(--pass); } .verdict.fail { color: var(--fail); }
.muted { color: var(--muted); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; }
thead th { position: sticky; top: 0; background: #f6f6f6; cursor: pointer; user-select: none; }
thead th[aria-sort=ascending]::after { content: " \\25B2"; } thead th[aria-sort=descending]::after { content: " \\25BC"; }
tr.fail td, tr.fail td a { color: var(--fail); } tr.xfail td { color: var(--xfail); }
#failures li { margin: 2px 0; } #failures a { color: var(--fail); }
.controls { margin: 8px 0; display: flex; gap: 16px; align-items: center; }
.controls input[type=search] { width: 360px; padding: 4px; }
.scroll { max-height: 480px; overflow: auto; border: 1px solid var(--line); }
details.case { border: 1px solid var(--line); border-radius: 4px; margin: 6px 0; padding: 4px 10px; }
details.case.fail { border-color: var(--fail); }
details.case > summary { cursor: pointer; font-weight: 600; }
details.case.fail > summary { color: var(--fail); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin: 8px 0; }
pre.message { background: #fff5f5; border-left: 3px solid var(--fail); padding: 6px 10px; overflow-x: auto; }
pre.message.xfail { background: #fffbe6; border-left-color: var(--xfail); }
#expectations td.fail { color: var(--fail); font-weight: 600; } #expectations td { white-space: normal; }
`;
