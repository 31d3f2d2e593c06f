// Themes: the bundled ones by flag and by /theme, "auto" from the terminal's background colour
// (OSC 11), a user's own theme, and themes that cannot be loaded.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll, configDir, errorEntries, eventually, inputLine, launch, ready, statusLine, submit, writeFile, type ScreenHarness,
} from './helpers.js';
import type { CellStyle, ScreenOptions } from '../support/screen-harness.js';

afterEach(closeAll);

interface Look {
  status: Pick<CellStyle, 'fg' | 'bg'>;
  title: Pick<CellStyle, 'fg' | 'bg'>;
  prompt: Pick<CellStyle, 'fg' | 'bg'>;
  chat: Pick<CellStyle, 'fg' | 'bg'>;
}

/** The colours of a few cells every theme styles: the status bar, the header title, the input prompt, the chat. */
function look(h: ScreenHarness): Look {
  const pick = (x: number, y: number) => {
    const { fg, bg } = h.cellStyle(x, y);
    return { fg, bg };
  };
  return { status: pick(h.cols - 1, h.rows - 1), title: pick(1, 0), prompt: pick(0, h.rows - 2), chat: pick(2, 5) };
}

async function lookOf(options: ScreenOptions, theme: string): Promise<Look> {
  const h = await launch(options);
  await ready(h, theme);
  return look(h);
}

describe('bundled themes', () => {
  it('--theme light and --theme high-contrast look different from dark and name themselves in the status bar', async () => {
    const dark = await lookOf({ args: ['--theme', 'dark'] }, 'dark');
    const light = await lookOf({ args: ['--theme', 'light'] }, 'light');
    const contrast = await lookOf({ args: ['--theme', 'high-contrast'] }, 'high-contrast');
    for (const other of [light, contrast]) {
      expect(other.status).not.toEqual(dark.status);
      expect(other.prompt.fg).not.toEqual(dark.prompt.fg);
    }
    expect(light.title.fg).not.toEqual(dark.title.fg); // dark text on a light background
    expect(contrast.chat.bg).not.toEqual(dark.chat.bg); // high contrast paints its own black background
    expect(light.status).not.toEqual(contrast.status);
  });

  it('/theme switches the colours at once, says so in the chat, and the status bar names the theme', async () => {
    const h = await launch();
    await ready(h);
    const dark = look(h);
    submit(h, '/theme high-contrast');
    await ready(h, 'high-contrast');
    await eventually(h, (s) => {
      expect(s.text()).toContain('theme: high-contrast');
      expect(look(s).status).not.toEqual(dark.status);
      expect(look(s).chat.bg).not.toEqual(dark.chat.bg);
    });
    submit(h, '/theme dark');
    await ready(h, 'dark');
    await eventually(h, (s) => expect(look(s)).toEqual(dark));
  });

  it('/theme nosuch prints one error line and keeps the theme', async () => {
    const h = await launch();
    await ready(h);
    const dark = look(h);
    submit(h, '/theme nosuch');
    await eventually(h, (s) => {
      expect(errorEntries(s)).toEqual([
        expect.stringMatching(/^theme "nosuch" not found \(looked for .*; available: dark, high-contrast, light\)$/),
      ]);
    });
    expect(statusLine(h)).toMatch(/ running · dark$/);
    expect(look(h)).toEqual(dark);
    submit(h, '/theme ../dark');
    await eventually(h, (s) => expect(errorEntries(s).at(-1)).toMatch(/^"\.\.\/dark" is not a theme name/));
    expect(statusLine(h)).toMatch(/ running · dark$/);
  });
});

describe('--theme auto', () => {
  it.each([
    ['a white background', 'rgb:ffff/ffff/ffff', 'light'],
    ['a black background', 'rgb:0000/0000/0000', 'dark'],
    ['a light grey background in 8-bit channels', 'rgb:e0/e0/e0', 'light'],
  ])('picks the theme for %s', async (_, reply, theme) => {
    const h = await launch({ args: ['--theme', 'auto'], osc11Reply: reply });
    await ready(h, theme);
    // The terminal's replies were consumed, not typed into the input line.
    await eventually(h, (s) => expect(inputLine(s)).toBe('› Type a message, or /help for commands'));
  });

  it('falls back to dark when the terminal does not answer OSC 11', async () => {
    const h = await launch({ args: ['--theme', 'auto'] });
    await ready(h, 'dark');
    await eventually(h, (s) => expect(inputLine(s)).toBe('› Type a message, or /help for commands'));
  });

  it('falls back to dark when the terminal answers nothing at all', async () => {
    const h = await launch({ args: ['--theme', 'auto'], answerQueries: false });
    await ready(h, 'dark');
  });

  it('is the default without --theme or config', async () => {
    const h = await launch({ args: [], osc11Reply: 'rgb:ffff/ffff/ffff' });
    await ready(h, 'light');
  });

  // The terminal's answer to the background query must not be typed into the input line.
  it('/theme auto in the running screen switches theme and keeps the keyboard working', async () => {
    const h = await launch({ osc11Reply: 'rgb:ffff/ffff/ffff' });
    await ready(h);
    submit(h, '/theme auto');
    await ready(h, 'light');
    await eventually(h, (s) => expect(inputLine(s)).toBe('›'));
    h.type('still typing');
    await h.waitFor((_, s) => inputLine(s) === '› still typing');
  });
});

describe('user themes', () => {
  const MINE = JSON.stringify({ extends: 'dark', roles: { status: { fg: '#ffffff', bg: '#5f0000' } } });

  it('a theme in $XDG_CONFIG_HOME/agentmux/themes extends a bundled one, by flag, by /theme and from the config', async () => {
    const h = await launch();
    writeFile(join(configDir(h.home), 'themes', 'mine.json'), MINE);
    await ready(h);
    const dark = look(h);
    submit(h, '/theme mine');
    await ready(h, 'mine');
    await eventually(h, (s) => {
      expect(look(s).status).toEqual({ fg: 231, bg: 52 }); // #ffffff and #5f0000 in the 256-colour palette
      expect(look(s).title).toEqual(dark.title); // the rest comes from dark
    });

    const flag = await launch({ home: h.home, args: ['--theme', 'mine'] });
    await ready(flag, 'mine');

    writeFile(join(configDir(h.home), 'config.json'), JSON.stringify({ theme: 'mine' }));
    const config = await launch({ home: h.home, args: [] });
    await ready(config, 'mine');
  });

  it('/theme with a broken theme file prints one error line naming the file and keeps the theme', async () => {
    const h = await launch();
    writeFile(join(configDir(h.home), 'themes', 'broken.json'), '{"extends": "dark", "roles": {"status": {"bg": "reddish"}}}');
    await ready(h);
    const dark = look(h);
    submit(h, '/theme broken');
    await eventually(h, (s) => {
      expect(errorEntries(s)).toEqual([
        expect.stringMatching(/^~\/\.config\/agentmux\/themes\/broken\.json: roles\.status\.bg: "reddish" is not a colour/),
      ]);
    });
    expect(statusLine(h)).toMatch(/ running · dark$/);
    expect(look(h)).toEqual(dark);
  });
});
