// The summary table, in Markdown so it can be pasted into the README.

const COLUMNS = ['benchmark', 'agentmux', 'reference', 'ratio', 'target'];

const escape = (text) => String(text ?? '').replace(/\|/g, '\\|');

export function markdownTable(rows) {
  const lines = [
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${COLUMNS.map((column) => escape(row[column])).join(' | ')} |`),
  ];
  return lines.join('\n');
}
