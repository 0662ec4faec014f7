// The report's inline stylesheet: one readable column, print-friendly, no web fonts or
// external resources so the page works offline and under a strict CSP.

enum ReportStyle {
    static let css = """
    :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa;
      --accent: #0072B2; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #eef1f4; color: var(--ink);
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 980px; margin: 24px auto; padding: 0 16px; }
    header.top { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; }
    .brand { font-weight: 700; letter-spacing: .08em; text-transform: uppercase; color: var(--accent); font-size: 12px; margin: 0; }
    h1 { font-size: 24px; line-height: 1.3; margin: 4px 0 8px; }
    h2 { font-size: 15px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 10px; }
    section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 14px 0; }
    .status { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px; font-weight: 600; white-space: nowrap; }
    .status-succeeded { background: #dafbe1; color: var(--ok); }
    .status-failed { background: #ffebe9; color: var(--bad); }
    .status-needs_clarification { background: #fff8c5; color: var(--warn); }
    .interpretation { color: var(--muted); margin: 0; }
    .confidence { font-size: 13px; color: var(--muted); }
    .error { border-color: #ff8182; background: #fff5f5; }
    .error code { font-weight: 700; color: var(--bad); }
    .hint { margin-bottom: 0; }
    figure { margin: 0; overflow-x: auto; }
    figure svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
    figcaption { color: var(--muted); font-size: 13px; margin-top: 8px; }
    .summary { font-size: 17px; margin-top: 0; }
    ul { margin: 0 0 8px; padding-left: 20px; }
    li { margin: 3px 0; }
    h3 { font-size: 14px; margin: 12px 0 4px; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; }
    th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { background: var(--soft); font-weight: 600; position: sticky; top: 0; }
    th small { display: block; color: var(--muted); font-weight: 400; font-size: 11px; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .null { color: #8c959f; font-style: italic; }
    .note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
    pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
      overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
    details summary { cursor: pointer; color: var(--muted); font-weight: 600; }
    .candidates li { margin-bottom: 12px; }
    .warnings { border-color: #d4a72c; background: #fffbeb; }
    footer { color: var(--muted); font-size: 12px; margin: 18px 0 32px; }
    footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
    footer dt { font-weight: 600; }
    footer dd { margin: 0; word-break: break-all; }
    @media print { body { background: #fff; } section { break-inside: avoid; border-color: #bbb; } }
    """
}
