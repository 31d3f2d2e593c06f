// Where each part of the screen goes, as a pure function of the terminal size.

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Layout {
  /** Title row of the main pane. */
  header: Rect;
  /** The chat history, or the attached agent's terminal. */
  body: Rect;
  /** The chat's input line (inside the body's area when no agent is attached). */
  input: Rect;
  list: Rect;
  status: Rect;
}

function listWidth(cols: number): number {
  if (cols >= 160) return 44;
  if (cols >= 120) return 36;
  return Math.max(24, Math.min(30, Math.floor(cols / 3)));
}

export function layoutFor(cols: number, rows: number): Layout {
  const list = listWidth(cols);
  const mainWidth = Math.max(1, cols - list);
  const mainHeight = Math.max(3, rows - 1);
  return {
    header: { left: 0, top: 0, width: mainWidth, height: 1 },
    body: { left: 0, top: 1, width: mainWidth, height: mainHeight - 1 },
    input: { left: 0, top: mainHeight - 1, width: mainWidth, height: 1 },
    list: { left: mainWidth, top: 0, width: list, height: mainHeight },
    status: { left: 0, top: rows - 1, width: cols, height: 1 },
  };
}

/** The pty size agents get: the main pane's body, where their screen is shown. */
export function agentPaneSize(layout: Layout): { cols: number; rows: number } {
  return { cols: Math.max(2, layout.body.width), rows: Math.max(2, layout.body.height) };
}
