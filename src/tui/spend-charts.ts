// The spend view's charts, drawn with blessed-contrib over the rows the view leaves blank for them: the
// session's cost over time (line) and the cost of each agent (bars). Colours come from theme roles
// (`meter` for the figures, `muted` for labels, `border` for the axes). Where a role has no colour
// (NO_COLOR, or the terminal's default colour) the bars are drawn with █ instead of a background colour.
import type blessed from 'blessed';
import bar from 'blessed-contrib/lib/widget/charts/bar.js';
import line, { type ChartColor, type ChartWidget } from 'blessed-contrib/lib/widget/charts/line.js';
import type { ThemeRole } from '../core/theme-schema.js';
import type { Rect } from './layout.js';
import type { ResolvedTheme } from './theme.js';
import type { BarChartSpec, LineChartSpec, SpendFrame } from './views/spend-view.js';

type Cell = [number, string];
type Coords = { xi: number; xl: number; yi: number; yl: number };

/** blessed's attribute for the terminal's default colour, in both the foreground and background bits. */
const DEFAULT_COLOR = 0x1ff;
const BAR_GLYPH = '█';

export class SpendCharts {
  private widgets: ChartWidget[] = [];
  /** What the widgets on screen show: they are made again only when it changes. */
  private shown = '';

  /** `under`: the view's text box; the charts are drawn right after it, over it. */
  constructor(private readonly under: blessed.Widgets.BoxElement) {}

  /** The frame's charts in `area` (where the view is on screen); none without a frame. */
  show(frame: SpendFrame | undefined, area: Rect, theme: ResolvedTheme): void {
    const key = frame ? JSON.stringify([frame.line, frame.bars, area, theme.name, theme.noColor]) : '';
    if (key === this.shown) return;
    this.shown = key;
    this.clear();
    if (frame?.line) this.lineChart(frame.line, area, theme);
    if (frame?.bars) this.barChart(frame.bars, area, theme);
  }

  dispose(): void {
    this.clear();
    this.shown = '';
  }

  private clear(): void {
    for (const widget of this.widgets.splice(0)) widget.destroy();
  }

  /** Puts a chart on screen, whose canvas is made then (at `canvasSize`), and returns it for its data. */
  private place<T extends ChartWidget>(widget: T, canvasSize: { width: number; height: number }): T {
    // blessed-contrib sizes the canvas to leave room for a border and labels it draws itself; the view
    // draws those, so the canvas takes the whole box.
    widget.calcSize = () => {
      widget.canvasSize = canvasSize;
    };
    this.under.screen.insertAfter(widget, this.under);
    this.widgets.push(widget);
    return widget;
  }

  private lineChart(spec: LineChartSpec, area: Rect, theme: ResolvedTheme): void {
    const chart = this.place(line({
      left: area.left, top: area.top + spec.top, width: area.width, height: spec.height, wrap: false,
      style: { line: chartColor(theme, 'meter'), text: chartColor(theme, 'muted'), baseline: chartColor(theme, 'border') },
      showLegend: false, numYLabels: spec.yLabels, minY: 0, maxY: spec.maxY, xPadding: 2, xLabelPadding: 2,
    }), { width: area.width * 2, height: spec.height * 4 + 4 });
    // The dots' rows end with the axis and the time labels on the box's last two rows: the canvas is one row taller
    // than the box, that row blank.
    chart.setData([{ title: 'cost', x: spec.labels, y: spec.values }]);
  }

  private barChart(spec: BarChartSpec, area: Rect, theme: ResolvedTheme): void {
    const colour = theme.fgIndex('meter');
    const chart = this.place(bar({
      left: area.left, top: area.top + spec.top, width: area.width, height: spec.height, wrap: false,
      barWidth: spec.barWidth, barSpacing: spec.barSpacing, xOffset: spec.xOffset, maxHeight: 0, showText: false,
      barBgColor: colour === undefined ? 'white' : nonZero(colour),
    }), { width: area.width, height: spec.height + 4 });
    // Its canvas keeps four rows under the bars for labels it would draw itself (the view draws them):
    // four rows taller than the box puts the bars' feet on the box's last row.
    if (colour === undefined) drawBarsWithGlyphs(chart, chart.sattr(theme.style('meter')));
    chart.setData({ titles: spec.values.map(() => ''), data: spec.values });
  }
}

function chartColor(theme: ResolvedTheme, role: ThemeRole): ChartColor {
  const index = theme.fgIndex(role);
  return index === undefined ? 'normal' : nonZero(index);
}

/** blessed-contrib takes a colour of 0 for none given; index 16 is the same black. */
function nonZero(index: number): number {
  return index === 0 ? 16 : index;
}

/** After the chart draws, each cell it filled with a background colour shows █ in `attr` instead. */
function drawBarsWithGlyphs(chart: ChartWidget, attr: number): void {
  const draw = chart.render.bind(chart) as () => Coords | undefined;
  chart.render = (() => {
    const coords = draw();
    if (!coords) return coords;
    const lines = (chart.screen as unknown as { lines: Array<Cell[] & { dirty?: boolean }> }).lines;
    for (let y = coords.yi; y < Math.min(coords.yl, lines.length); y++) {
      const row = lines[y];
      for (let x = coords.xi; x < Math.min(coords.xl, row.length); x++) {
        if ((row[x][0] & DEFAULT_COLOR) === DEFAULT_COLOR) continue;
        row[x][0] = attr;
        row[x][1] = BAR_GLYPH;
      }
      row.dirty = true;
    }
    return coords;
  }) as typeof chart.render;
}
