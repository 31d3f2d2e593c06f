// Which terminal description blessed should draw with. blessed 0.1.81 cannot read the
// terminfo format newer ncurses writes for screen-256color and tmux-256color and then
// falls back to 8 colours; it ships xterm descriptions of its own, and every terminal
// we target (xterm-likes, screen, tmux) understands what blessed emits with them.

export function blessedTerminal(term: string | undefined, colorterm: string | undefined): string {
  const name = term ?? '';
  if (/^(xterm|screen|tmux|rxvt|alacritty|kitty|foot|wezterm|vte|gnome|konsole|iterm)/.test(name)) {
    if (/256col|truecolor|direct/.test(name) || /truecolor|24bit/.test(colorterm ?? '')) return 'xterm-256color';
    return 'xterm';
  }
  return name || 'xterm';
}
