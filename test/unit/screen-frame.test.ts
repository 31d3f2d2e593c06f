import { describe, expect, it } from 'vitest';
import { DEFAULT_COLOR, applyFrame, type FrameLine, type ScreenFrame } from '../../src/core/screen-frame.js';

function row(y: number, text: string): FrameLine {
  return { y, runs: text ? [{ text, fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, attrs: 0 }] : [] };
}

function frame(rows: number, full: boolean, lines: FrameLine[]): ScreenFrame {
  return { cols: 10, rows, full, lines, cursor: { x: 0, y: 0, visible: true }, history: 0, scrollBack: 0 };
}

function texts(grid: FrameLine[]): string[] {
  return grid.map((line) => line.runs.map((run) => run.text).join(''));
}

describe('applyFrame', () => {
  it('builds a grid of `rows` lines from a full frame, numbered by row', () => {
    const grid = applyFrame(undefined, frame(3, true, [row(0, 'a'), row(1, 'b'), row(2, 'c')]));
    expect(texts(grid)).toEqual(['a', 'b', 'c']);
    expect(grid.map((line) => line.y)).toEqual([0, 1, 2]);
  });

  it('fills rows a full frame leaves out with blanks', () => {
    const previous = applyFrame(undefined, frame(3, true, [row(0, 'a'), row(1, 'b'), row(2, 'c')]));
    const grid = applyFrame(previous, frame(3, true, [row(1, 'x')]));
    expect(texts(grid)).toEqual(['', 'x', '']);
  });

  it('replaces only the rows a partial frame carries', () => {
    const previous = applyFrame(undefined, frame(3, true, [row(0, 'a'), row(1, 'b'), row(2, 'c')]));
    const grid = applyFrame(previous, frame(3, false, [row(2, 'z')]));
    expect(texts(grid)).toEqual(['a', 'b', 'z']);
  });

  it('does not change the previous grid', () => {
    const previous = applyFrame(undefined, frame(2, true, [row(0, 'a'), row(1, 'b')]));
    const before = JSON.stringify(previous);
    applyFrame(previous, frame(2, false, [row(0, 'new')]));
    applyFrame(previous, frame(2, true, []));
    expect(JSON.stringify(previous)).toBe(before);
  });

  it('starts from blanks when a partial frame has no grid to apply to', () => {
    expect(texts(applyFrame(undefined, frame(3, false, [row(1, 'b')])))).toEqual(['', 'b', '']);
  });

  it('starts from blanks when the row count changed', () => {
    const previous = applyFrame(undefined, frame(2, true, [row(0, 'a'), row(1, 'b')]));
    expect(texts(applyFrame(previous, frame(3, false, [row(2, 'c')])))).toEqual(['', '', 'c']);
    expect(texts(applyFrame(previous, frame(1, false, [])))).toEqual(['']);
  });

  it('ignores lines outside the frame', () => {
    const grid = applyFrame(undefined, frame(2, true, [row(-1, 'neg'), row(0, 'a'), row(2, 'out'), row(99, 'far')]));
    expect(grid).toHaveLength(2);
    expect(texts(grid)).toEqual(['a', '']);
  });

  it('yields the same grid from one full frame as from a full frame plus partial updates', () => {
    const rows = 5;
    let incremental = applyFrame(undefined, frame(rows, true, [0, 1, 2, 3, 4].map((y) => row(y, `r${y}`))));
    incremental = applyFrame(incremental, frame(rows, false, [row(1, 'one'), row(3, 'three')]));
    incremental = applyFrame(incremental, frame(rows, false, [row(3, 'THREE')]));
    const whole = applyFrame(undefined, frame(rows, true, [row(0, 'r0'), row(1, 'one'), row(2, 'r2'), row(3, 'THREE'), row(4, 'r4')]));
    expect(incremental).toEqual(whole);
  });
});
