// A program that reads its terminal in raw mode, as Claude Code does: text and an Enter read
// together are pasted text; only an Enter read alone submits. It echoes what it has (unless
// `silent`), turns bracketed paste on when asked (`bracketed`), and on submitting prints every
// read it got as JSON and exits.
const mode = process.argv[2];
process.stdin.setRawMode(true);
if (mode === 'bracketed') process.stdout.write('\x1b[?2004h');
process.stdout.write('ready\r\n');
const reads = [];
let line = '';
process.stdin.on('data', (chunk) => {
  const text = chunk.toString();
  reads.push(text);
  if (text === '\r') {
    process.stdout.write(`\r\nsubmitted ${JSON.stringify(reads)}\r\n`);
    process.exit(0);
  }
  line += text;
  if (mode !== 'silent') process.stdout.write(`\r> ${line.replace(/\x1b\[20[01]~|[\x00-\x1f]/g, '')}`);
});
