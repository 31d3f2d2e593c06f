import { describe, expect, it } from 'vitest';
import { redact, REDACTED, StreamRedactor, usableSecrets } from '../../src/core/redact.js';

const KEY = 'sk-ant-api03-abcdefghijklmnop';

function through(redactor: StreamRedactor, chunks: string[]): string {
  return Buffer.concat([...chunks.map((chunk) => redactor.push(Buffer.from(chunk))), redactor.flush()]).toString();
}

describe('redact', () => {
  it('replaces secrets in every string of a record and leaves other values alone', () => {
    expect(redact({ a: `key=${KEY}`, b: [KEY, 3], c: { d: true } }, usableSecrets([KEY])))
      .toEqual({ a: `key=${REDACTED}`, b: [REDACTED, 3], c: { d: true } });
  });

  it('ignores secrets too short to replace safely', () => {
    expect(usableSecrets(['demo', '', KEY])).toEqual([KEY]);
  });
});

describe('StreamRedactor', () => {
  it('redacts a secret split across chunks at every position', () => {
    const text = `before ${KEY} after ${KEY}`;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(through(new StreamRedactor([KEY]), [text.slice(0, cut), text.slice(cut)])).toBe(`before ${REDACTED} after ${REDACTED}`);
    }
  });

  it('redacts a secret fed one byte at a time', () => {
    expect(through(new StreamRedactor([KEY]), [...`x${KEY}y`])).toBe(`x${REDACTED}y`);
  });

  it('holds back as many bytes as a secret could span, and gives them back at the end', () => {
    const redactor = new StreamRedactor([KEY]);
    const now = redactor.push(Buffer.from('0123456789'.repeat(10))).toString();
    expect(now.length).toBe(100 - (KEY.length - 1));
    expect(now + redactor.flush().toString()).toBe('0123456789'.repeat(10));
  });

  it('passes everything through at once without secrets', () => {
    const redactor = new StreamRedactor(['short']);
    expect(redactor.push(Buffer.from('abc')).toString()).toBe('abc');
    expect(redactor.flush().length).toBe(0);
  });
});
