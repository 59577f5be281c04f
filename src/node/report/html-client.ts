/**
 * The HTML report's script (plain browser JavaScript, run from file:// with uPlot already loaded):
 * builds the failure list, tables, histogram and per-case charts from the embedded JSON. Case
 * charts are drawn when a case is opened (failing cases are open from the start), so a report of
 * hundreds of cases loads at once. Written without template literals: it lives in one.
 */
export const HTML_SCRIPT = String.raw`
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var report = data.report;
  var rows = report.comparisons;
  var ORACLE_COLOR = { "torch": "#1565c0", "onnxruntime": "#ef6c00", "onnxruntime-vs-torch": "#2e7d32" };
  function num(v) { return v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v; }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function fmtDiff(x) { x = num(x); if (isNaN(x)) return "nan"; if (!isFinite(x)) return x > 0 ? "inf" : "-inf"; return x === 0 ? "0" : x.toExponential(2); }
  function fmtHeadroom(h) {
    h = num(h);
    if (isNaN(h)) return "nan"; if (h === -Infinity) return "-inf";
    if (h < 0) { var r = 1 - h; var s = r >= 1e6 ? r.toExponential(2).replace("+", "") : r < 100 ? r.toPrecision(3) : String(Math.round(r)); return (s === "1.00" ? ">1.00" : s) + "x tolerance"; }
    var p = (h * 100).toFixed(1); return h < 1 && p === "100.0" ? ">99.9%" : p + "%";
  }
  function failing(r) { return r.status === "failed" || r.status === "xpass"; }
  var STATUS = { passed: "PASS", failed: "FAIL", xfail: "XFAIL", xpass: "XPASS" };
  function rowClass(r) { return failing(r) ? "fail" : r.status === "xfail" ? "xfail" : ""; }
  function caseId(name, file) { return "case-" + encodeURIComponent(file + "|" + name).replace(/[^A-Za-z0-9_-]/g, "_"); }

  // Cases: failing first, then by worst headroom (lowest first).
  var cases = new Map();
  rows.forEach(function (r) {
    var key = r.file + "\u0000" + r.case;
    var c = cases.get(key);
    if (!c) { c = { name: r.case, file: r.file, module: r.module, dtype: r.dtype, config: r.config, rows: [], failed: false, worst: Infinity }; cases.set(key, c); }
    c.rows.push(r);
    if (failing(r)) c.failed = true;
    var h = num(r.headroom); if (h < c.worst || isNaN(h)) c.worst = isNaN(h) ? -Infinity : h;
  });
  var ordered = Array.from(cases.values()).sort(function (a, b) { return (b.failed - a.failed) || (a.worst - b.worst); });

  // Failures, linked to their case.
  var failures = document.getElementById("failures");
  rows.filter(failing).forEach(function (r) {
    var a = el("a", { href: "#" + caseId(r.case, r.file), text: r.case });
    var what = r.status === "xpass" ? ": unexpected pass (expectedFailures[" + r.expectation.entry + "] expects a failure)" : ": " + fmtHeadroom(r.headroom) + (r.worstIndex.length ? " at (" + r.worstIndex.join(", ") + ")" : "");
    failures.appendChild(el("li", {}, [a, " · " + r.oracle + " · " + r.tensor + what]));
  });

  // A table whose columns sort on click; cells are [text, sortValue, className].
  function table(target, columns, body, rowClass) {
    var head = el("tr", {}, columns.map(function (c) { return el("th", { "class": c.num ? "num" : "", text: c.head }); }));
    var tbody = el("tbody");
    var state = { col: -1, dir: 1 };
    function draw(list) {
      tbody.textContent = "";
      list.forEach(function (r) {
        var tr = el("tr", { "class": rowClass(r) });
        columns.forEach(function (c) { var v = c.cell(r); var td = el("td", { "class": c.num ? "num" : "" }); if (v instanceof Node) td.appendChild(v); else td.textContent = v; tr.appendChild(td); });
        tbody.appendChild(tr);
      });
    }
    var current = body.slice();
    head.querySelectorAll("th").forEach(function (th, i) {
      th.addEventListener("click", function () {
        state.dir = state.col === i ? -state.dir : 1; state.col = i;
        head.querySelectorAll("th").forEach(function (x) { x.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        var key = columns[i].sort;
        current.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * state.dir; });
        draw(current);
      });
    });
    target.appendChild(el("thead", {}, [head])); target.appendChild(tbody);
    draw(current);
    return { setRows: function (list) { current = list.slice(); state.col = -1; head.querySelectorAll("th").forEach(function (x) { x.removeAttribute("aria-sort"); }); draw(current); } };
  }
  function sortNum(v) { v = num(v); return isNaN(v) ? -Infinity : v; }
  function caseLink(name, file) { return el("a", { href: "#" + caseId(name, file), text: name }); }

  var groupTable = el("table");
  document.getElementById("groups").appendChild(groupTable);
  table(groupTable, [
    { head: "module", cell: function (g) { return g.module; }, sort: function (g) { return g.module; } },
    { head: "dtype", cell: function (g) { return g.dtype; }, sort: function (g) { return g.dtype; } },
    { head: "oracle", cell: function (g) { return g.oracle; }, sort: function (g) { return g.oracle; } },
    { head: "cases", num: true, cell: function (g) { return String(g.cases); }, sort: function (g) { return g.cases; } },
    { head: "tensors passed", num: true, cell: function (g) { return g.passed + "/" + g.tensors + (g.expected ? " (" + g.expected + " xfail)" : ""); }, sort: function (g) { return g.passed - g.tensors; } },
    { head: "worst abs diff", num: true, cell: function (g) { return fmtDiff(g.worstAbsDiff); }, sort: function (g) { return sortNum(g.worstAbsDiff); } },
    { head: "worst headroom", num: true, cell: function (g) { return fmtHeadroom(g.worstHeadroom); }, sort: function (g) { return sortNum(g.worstHeadroom); } },
    { head: "worst case", cell: function (g) { return caseLink(g.worstCase, g.worstFile); }, sort: function (g) { return g.worstCase; } },
  ], data.groups, function (g) { return g.failing ? "fail" : g.expected ? "xfail" : ""; });

  var compTable = el("table");
  document.getElementById("comparisons").replaceWith(compTable);
  compTable.id = "comparisons";
  var comp = table(compTable, [
    { head: "case", cell: function (r) { return caseLink(r.case, r.file); }, sort: function (r) { return r.case; } },
    { head: "module", cell: function (r) { return r.module; }, sort: function (r) { return r.module; } },
    { head: "dtype", cell: function (r) { return r.dtype; }, sort: function (r) { return r.dtype; } },
    { head: "oracle", cell: function (r) { return r.oracle; }, sort: function (r) { return r.oracle; } },
    { head: "tensor", cell: function (r) { return r.tensor + " [" + r.shape.join(", ") + "]"; }, sort: function (r) { return r.tensor; } },
    { head: "max abs diff", num: true, cell: function (r) { return fmtDiff(r.maxAbsDiff); }, sort: function (r) { return sortNum(r.maxAbsDiff); } },
    { head: "max rel diff", num: true, cell: function (r) { return fmtDiff(r.maxRelDiff); }, sort: function (r) { return sortNum(r.maxRelDiff); } },
    { head: "mismatched", num: true, cell: function (r) { return r.mismatched + "/" + r.total; }, sort: function (r) { return r.mismatched; } },
    { head: "headroom", num: true, cell: function (r) { return fmtHeadroom(r.headroom); }, sort: function (r) { return sortNum(r.headroom); } },
    { head: "result", cell: function (r) { return STATUS[r.status] + (r.expectation ? " [" + r.expectation.entry + "]" : ""); }, sort: function (r) { return r.status; } },
  ], rows, rowClass);
  var filterBox = document.getElementById("filter"), onlyFailed = document.getElementById("only-failed"), shown = document.getElementById("shown");
  function applyFilter() {
    var words = filterBox.value.toLowerCase().split(/\s+/).filter(Boolean);
    var list = rows.filter(function (r) {
      if (onlyFailed.checked && r.status === "passed") return false;
      var text = (r.case + " " + r.module + " " + r.dtype + " " + r.oracle + " " + r.tensor).toLowerCase();
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    comp.setRows(list);
    shown.textContent = list.length + " of " + rows.length + " shown";
  }
  filterBox.addEventListener("input", applyFilter); onlyFailed.addEventListener("change", applyFilter);
  applyFilter();

  // Headroom distribution: comparisons per half-decade of the tolerance share used, per dtype.
  (function () {
    var lo = -10, hi = 3, per = 2, bins = (hi - lo) * per;
    var xs = [], counts = { float32: [], float64: [] };
    for (var i = 0; i < bins; i++) { xs.push(lo + (i + 0.5) / per); counts.float32.push(0); counts.float64.push(0); }
    rows.forEach(function (r) {
      var used = 1 - num(r.headroom);
      var b = used <= 0 ? 0 : !isFinite(used) ? bins - 1 : Math.floor((Math.log10(used) - lo) * per);
      b = Math.max(0, Math.min(bins - 1, b));
      if (counts[r.dtype]) counts[r.dtype][b]++;
    });
    function nulls(a) { return a.map(function (n) { return n === 0 ? null : n; }); }
    new uPlot({
      width: 820, height: 240,
      scales: { x: { time: false, range: [lo, hi] } },
      axes: [{ label: "share of tolerance used", values: function (u, ticks) { return ticks.map(function (t) { return "1e" + t; }); } }, { label: "comparisons" }],
      series: [{ label: "log10 share" },
               { label: "float32", fill: "rgba(21,101,192,0.6)", stroke: "#1565c0", paths: uPlot.paths.bars({ size: [0.22, 30], align: -1 }), points: { show: false } },
               { label: "float64", fill: "rgba(239,108,0,0.6)", stroke: "#ef6c00", paths: uPlot.paths.bars({ size: [0.22, 30], align: 1 }), points: { show: false } }],
    }, [xs, nulls(counts.float32), nulls(counts.float64)], document.getElementById("histogram"));
  })();

  // Per case: its tensors, messages, and (sequence outputs) error over time per oracle and direction.
  function chart(target, c, pick, label, log, tolerance) {
    var series = [{ label: "step" }], columns = [];
    var withTime = c.rows.filter(function (r) { return r.overTime; });
    var steps = withTime.length ? withTime[0].overTime.maxAbsDiff[0].length : 0;
    var xs = []; for (var t = 0; t < steps; t++) xs.push(t);
    withTime.forEach(function (r) {
      r.overTime.directions.forEach(function (dir, d) {
        series.push({ label: r.oracle + " " + dir, stroke: ORACLE_COLOR[r.oracle], dash: dir === "reverse" ? [6, 4] : undefined, width: 1.5 });
        columns.push(pick(r.overTime, d).map(function (v) { v = num(v); return !isFinite(v) || (log && v <= 0) ? null : v; }));
      });
    });
    if (tolerance) {
      series.push({ label: "tolerance", stroke: "#c62828", dash: [2, 3], width: 1, points: { show: false } });
      columns.push(xs.map(function () { return 1; }));
    }
    new uPlot({ width: 560, height: 220, title: label, scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [{ label: "time step", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
             { size: 70, values: function (u, ticks) { return ticks.map(function (v) { return v == null ? "" : v.toExponential(0); }); } }],
      series: series }, [xs].concat(columns), target);
  }
  var caseBox = document.getElementById("cases");
  ordered.forEach(function (c) {
    var details = el("details", { "class": "case" + (c.failed ? " fail" : ""), id: caseId(c.name, c.file) });
    details.appendChild(el("summary", { text: (c.failed ? "FAIL " : "") + c.name + " · worst headroom " + fmtHeadroom(c.worst) }));
    details.appendChild(el("p", { "class": "muted", text: c.file + " · " + c.module + " " + c.dtype + " · " + Object.keys(c.config).map(function (k) { return k + "=" + c.config[k]; }).join(", ") }));
    var drawn = false;
    function draw() {
      if (drawn) return; drawn = true;
      var box = el("div", { "class": "charts" });
      details.appendChild(box);
      if (c.rows.some(function (r) { return r.overTime; })) {
        chart(box, c, function (o, d) { return o.maxAbsDiff[d]; }, "max |actual − expected| per step", true);
        chart(box, c, function (o, d) { return o.headroom[d].map(function (h) { return 1 - num(h); }); }, "share of tolerance used per step (1 = tolerance)", true, true);
      } else box.appendChild(el("p", { "class": "muted", text: "no time axis: " + c.module + " outputs one step" }));
      c.rows.filter(function (r) { return r.status !== "passed"; }).forEach(function (r) {
        var note = r.expectation ? " · " + STATUS[r.status] + " expectedFailures[" + r.expectation.entry + "]: " + r.expectation.reason : "";
        details.appendChild(el("pre", { "class": "message" + (failing(r) ? "" : " xfail"), text: r.oracle + " · " + r.tensor + ": " + fmtHeadroom(r.headroom) + note + "\n" + r.message }));
      });
    }
    details.addEventListener("toggle", function () { if (details.open) draw(); });
    caseBox.appendChild(details);
    if (c.failed) { details.open = true; draw(); }
  });
  document.body.setAttribute("data-ready", "true");
})();
`;
