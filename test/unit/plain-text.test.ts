import { describe, expect, it } from 'vitest';
import { MAX_STRING_SEQUENCE, PlainTextFilter, plainText } from '../../src/core/plain-text.js';

const ESC = '\u001b';
const CSI = `${ESC}[`;
const OSC = `${ESC}]`;
const ST = `${ESC}\\`;
const BEL = '\u0007';

/** Feeds `text` cut into pieces at `cuts` and returns all that came out. */
function streamed(text: string, cuts: number[]): string {
  const filter = new PlainTextFilter();
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += filter.push(text.slice(from, cut));
    from = cut;
  }
  return out + filter.flush();
}

describe('plainText', () => {
  it('leaves plain text, newlines and tabs alone', () => {
    expect(plainText('hello\tworld\nnext line 日本語 🎉\n')).toBe('hello\tworld\nnext line 日本語 🎉\n');
  });

  it('removes colours and other CSI sequences', () => {
    expect(plainText(`${CSI}1;31merror${CSI}0m: ${CSI}38;2;255;0;0mred${CSI}m`)).toBe('error: red');
    expect(plainText(`${CSI}?25l${CSI}2J${CSI}H${CSI}10;20Hx${CSI}?1049h${CSI}>4;1m${CSI} q`)).toBe('x');
    expect(plainText(`${CSI}38:2::255:0:0mcolon${CSI}m`)).toBe('colon');
  });

  it('removes an OSC title, ended by BEL or ST', () => {
    expect(plainText(`${OSC}0;my title${BEL}after`)).toBe('after');
    expect(plainText(`${OSC}2;my title${ST}after`)).toBe('after');
  });

  it('removes OSC 52 (clipboard) and OSC 8 (links) with their payloads', () => {
    expect(plainText(`a${OSC}52;c;aGVsbG8gd29ybGQ=${BEL}b`)).toBe('ab');
    expect(plainText(`${OSC}8;;https://example.com${ST}link${OSC}8;;${ST}`)).toBe('link');
  });

  it('removes DCS, SOS, PM and APC strings', () => {
    expect(plainText(`a${ESC}P1$r0m${ST}b`)).toBe('ab');
    expect(plainText(`a${ESC}Xsos${ST}b${ESC}^pm${ST}c${ESC}_Gf=100;AAAA${ST}d`)).toBe('abcd');
    expect(plainText(`a${ESC}Pq#0;2;0;0;0#1!14@${BEL}still payload${ST}b`)).toBe('ab'); // BEL does not end a DCS
  });

  it('removes two- and three-byte escapes', () => {
    expect(plainText(`${ESC}(Ba${ESC})0b${ESC}=c${ESC}>d${ESC}7e${ESC}8f${ESC}Mg${ESC}ch${ESC}#8i${ESC} Fj`)).toBe('abcdefghij');
  });

  it('removes 8-bit C1 controls and their payloads', () => {
    expect(plainText('a\u009b31mb\u009b0mc')).toBe('abc');
    expect(plainText('a\u009d0;title\u0007b')).toBe('ab');
    expect(plainText('a\u009d0;title\u009cb')).toBe('ab');
    expect(plainText('a\u0090payload\u009cb')).toBe('ab');
    expect(plainText('a\u0085b\u0084c\u009cd\u0080e')).toBe('abcde');
  });

  it('turns CRLF into LF and drops a lone CR', () => {
    expect(plainText('one\r\ntwo\r\n')).toBe('one\ntwo\n');
    expect(plainText('50%\r100%\n')).toBe('50%100%\n');
  });

  it('drops bidirectional formatting characters, which would reorder what is read', () => {
    expect(plainText('user\u202egnp.exe\n\u2066isolated\u2069 \u2067rtl\u2069 \u2068fsi\u2069\n')).toBe('usergnp.exe\nisolated rtl fsi\n');
    expect(plainText('\u202aa\u202bb\u202cc\u202dd\u200ee\u200ff\u061cg')).toBe('abcdefg');
    expect(plainText(`${CSI}1\u202emx`)).toBe('mx'); // one breaks a sequence and is dropped with it
    expect(streamed('ab\u202ecd\u2066ef', [2, 3, 6])).toBe('abcdef');
  });

  it('drops backspace, BEL and the other C0 controls, and DEL', () => {
    expect(plainText('ab\bc\u0007d\u0000e\u000bf\u000cg\u007fh\u001ci')).toBe('abcdefghi');
  });

  it('carries out controls inside a sequence and goes on with it', () => {
    expect(plainText(`${CSI}1\n2mx`)).toBe('\nx');
  });

  it('ends a sequence cancelled by CAN or SUB, or broken by a new ESC', () => {
    expect(plainText(`${CSI}12\u0018x`)).toBe('x');
    expect(plainText(`${OSC}0;title\u001ax`)).toBe('x');
    expect(plainText(`${CSI}12${CSI}1mx`)).toBe('x');
    expect(plainText(`${OSC}0;title${CSI}1mx`)).toBe('x'); // ESC aborts the OSC; CSI follows
  });

  it('shows a non-ASCII character that breaks a sequence', () => {
    expect(plainText(`${CSI}1é`)).toBe('é');
    expect(plainText(`${ESC}é`)).toBe('é');
  });

  it('drops an unfinished sequence at the end', () => {
    expect(plainText(`text${ESC}`)).toBe('text');
    expect(plainText(`text${CSI}1;3`)).toBe('text');
    expect(plainText(`text${OSC}0;unfinished title`)).toBe('text');
  });

  it('drops an unterminated string longer than 64 KiB and recovers', () => {
    const payload = 'p'.repeat(MAX_STRING_SEQUENCE);
    expect(plainText(`a${OSC}${payload}after`)).toBe('aafter');
    expect(plainText(`a${ESC}P${payload}after`)).toBe('aafter');
    expect(plainText(`a${OSC}${payload.slice(1)}${BEL}b`)).toBe('ab'); // within the cap: all of it dropped
  });

  it('recovers from an overlong string across many pushes', () => {
    const filter = new PlainTextFilter();
    let out = filter.push(`a${OSC}`);
    for (let i = 0; i < 64; i++) out += filter.push('p'.repeat(1024));
    // The first 64 KiB of payload are dropped; what comes after them is text again.
    out += filter.push('plain\n');
    expect(out + filter.flush()).toBe('aplain\n');
  });
});

describe('PlainTextFilter', () => {
  const sample = [
    `${CSI}1;32m✓${CSI}0m build\r\n`,
    `${OSC}0;agent: tests${BEL}${OSC}52;c;Y29weQ==${ST}`,
    `${ESC}P1$r0m${ST}${ESC}(B${ESC}=`,
    'progress 1\rprogress 2\r\n',
    '\u009b31mred\u009b0m \u009d2;t\u009c日本語 🎉\tdone\n',
  ].join('');
  const expected = '✓ build\nprogress 1progress 2\nred 日本語 🎉\tdone\n';

  it('gives the same text however the stream is cut in two', () => {
    expect(plainText(sample)).toBe(expected);
    for (let cut = 0; cut <= sample.length; cut++) expect(streamed(sample, [cut]), `cut at ${cut}`).toBe(expected);
  });

  it('gives the same text fed one character at a time', () => {
    expect(streamed(sample, Array.from({ length: sample.length }, (_, i) => i))).toBe(expected);
  });

  it('holds no text back: what is plain comes out at once', () => {
    const filter = new PlainTextFilter();
    expect(filter.push(`done${CSI}1`)).toBe('done');
    expect(filter.push('mgreen')).toBe('green');
    expect(filter.push(`${ESC}`)).toBe('');
    expect(filter.flush()).toBe('');
  });

  it('starts afresh after flush', () => {
    const filter = new PlainTextFilter();
    expect(filter.push(`${OSC}0;never ended`)).toBe('');
    expect(filter.flush()).toBe('');
    expect(filter.push('next\n')).toBe('next\n');
  });
});
