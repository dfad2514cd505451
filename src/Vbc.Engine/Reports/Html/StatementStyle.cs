namespace Vbc.Reports.Html;

/// <summary>
/// The page's only stylesheet, inline. System fonts only (nothing is fetched). Numbers are tabular and right
/// aligned. In print: margins that suit both A4 and Letter, "Page n of m" in the bottom margin (CSS paged media,
/// which Chromium's print to PDF supports), the chart's panels scaled to sit side by side and kept whole with their
/// legend, table rows never split and header rows repeated on each page, the arithmetic (and a long list of
/// excluded rows) starting on a new page, colours kept. The text holds no '&lt;' or '&amp;', so the page stays
/// well-formed XML.
/// </summary>
internal static class StatementStyle
{
    public const string Css = """
:root {
  --ink: #1c2430;
  --muted: #525c6a;
  --rule: #d5dae1;
  --band: #eef1f5;
  --good: #1d5e3a;
  --bad: #9e2f27;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: #e8ecf1;
  color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
}
.page {
  max-width: 1180px;
  margin: 24px auto;
  padding: 32px 40px 36px;
  background: #ffffff;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.18);
}
h1 { font-size: 26px; line-height: 1.2; margin: 4px 0 14px; overflow-wrap: anywhere; }
h2 {
  font-size: 18px;
  margin: 0 0 10px;
  padding-bottom: 4px;
  border-bottom: 2px solid var(--ink);
  break-after: avoid;
  page-break-after: avoid;
}
h3 { font-size: 15px; margin: 18px 0 6px; break-after: avoid; page-break-after: avoid; }
section { margin-top: 30px; }
p { margin: 6px 0; }
code, .mono {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  font-size: 0.9em;
}
.kicker {
  margin: 0;
  font-size: 12px;
  font-weight: 700;
  letter-spacing: 0.08em;
  text-transform: uppercase;
  color: var(--muted);
}
.muted { color: var(--muted); }
.small { font-size: 12.5px; }

dl.facts {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 3px 18px;
  margin: 0 0 18px;
}
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }

.total-box {
  border: 2px solid var(--ink);
  border-left-width: 10px;
  padding: 14px 18px;
  break-inside: avoid;
  page-break-inside: avoid;
}
.total-box .label { margin: 0; font-size: 13px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.06em; }
.total-box .amount {
  margin: 2px 0 4px;
  font-size: 34px;
  font-weight: 800;
  line-height: 1.15;
  font-variant-numeric: tabular-nums;
}
.total-box .direction { margin: 0 0 8px; font-size: 16px; font-weight: 600; }
.total-box .rounding { margin: 0; font-size: 12.5px; color: var(--muted); }

table {
  width: 100%;
  border-collapse: collapse;
  font-variant-numeric: tabular-nums;
  margin: 4px 0 8px;
}
caption { caption-side: top; text-align: left; font-weight: 700; padding: 4px 0 6px; }
th, td { padding: 4px 8px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--rule); }
thead th {
  font-size: 11.5px;
  font-weight: 700;
  letter-spacing: 0.04em;
  text-transform: uppercase;
  color: var(--muted);
  border-bottom: 1.5px solid var(--ink);
}
th.num, td.num { text-align: right; white-space: nowrap; }
td.text { overflow-wrap: anywhere; }
td.formula {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  font-size: 12.5px;
  overflow-wrap: anywhere;
}
tr.sum td { font-weight: 700; border-top: 1.5px solid var(--ink); }
tr.total td {
  font-weight: 800;
  font-size: 15px;
  border-top: 2px solid var(--ink);
  border-bottom: 3px double var(--ink);
}
tr.component td { font-weight: 700; background: var(--band); }
tr.note td.value { color: var(--muted); }
tbody.clause th {
  padding-top: 14px;
  font-size: 14px;
  border-bottom: 1.5px solid var(--ink);
  overflow-wrap: anywhere;
}
.src { font-weight: 400; color: var(--muted); margin-left: 10px; }
table.narrow { width: auto; min-width: 60%; }

.check { margin: 10px 0 0; padding: 8px 12px; border: 1.5px solid; font-weight: 600; }
.check.ok { border-color: var(--good); color: var(--good); }
.check.failed { border-color: var(--bad); color: var(--bad); border-width: 3px; }

figure.waterfall { margin: 8px 0 0; }
.panels { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; }
.panels svg { display: block; max-width: 100%; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 10px 0 4px; padding: 0; list-style: none; font-size: 12.5px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend svg { display: block; }
figcaption { font-size: 12.5px; color: var(--muted); }

footer { margin-top: 34px; padding-top: 8px; border-top: 1px solid var(--rule); font-size: 12px; color: var(--muted); }

@page {
  margin: 14mm 12mm 16mm;
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages);
    font: 8pt system-ui, "Liberation Sans", sans-serif;
    color: #525c6a;
  }
}
@media print {
  body { background: #ffffff; font-size: 10pt; }
  .page { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  h1 { font-size: 18pt; }
  h2 { font-size: 13pt; }
  .total-box .amount { font-size: 22pt; }
  td.formula { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, .check, figure.waterfall svg, .legend { break-inside: avoid; page-break-inside: avoid; }
  /* The chart is one figure: its panels side by side, each scaled down to its share of the line, kept on one page
     with the legend and caption (on screen they wrap instead). */
  figure.waterfall { break-inside: avoid; page-break-inside: avoid; }
  #chart h2 { break-after: avoid; page-break-after: avoid; }
  .panels { flex-wrap: nowrap; gap: 0 12px; }
  .panels svg { flex: 0 1 auto; min-width: 0; width: auto; height: auto; }
  section#reproduce, table.keep { break-inside: avoid; page-break-inside: avoid; }
  section.page-break { break-before: page; page-break-before: always; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""";
}
