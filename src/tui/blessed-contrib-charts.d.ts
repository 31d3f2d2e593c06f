// The two blessed-contrib charts agentmux draws, imported by their paths so that the screen does not
// load the rest of the library (maps, pictures, markdown). Only what spend-charts.ts uses is declared.
declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type blessed from 'blessed';

  /** One of the 8 basic colour names, an xterm-256 index, or `normal` (the terminal's default). */
  export type ChartColor = string | number;

  /** What both charts are: a box drawn from a canvas made at its size when it joins the screen. */
  export interface ChartWidget extends blessed.Widgets.BoxElement {
    calcSize(): void;
    /** In the canvas's own units: braille dots for the line chart, cells for the bar chart. */
    canvasSize: { width: number; height: number };
    sattr(style: { fg?: string | number; bg?: string | number; bold?: boolean; inverse?: boolean }): number;
  }

  export interface LineOptions {
    left: number;
    top: number;
    width: number;
    height: number;
    /** A row as wide as the box would otherwise wrap (blessed counts the colour codes after its last character). */
    wrap: false;
    style: { line: ChartColor; text: ChartColor; baseline: ChartColor };
    showLegend: false;
    numYLabels: number;
    minY: number;
    maxY: number;
    xPadding: number;
    xLabelPadding: number;
  }

  export interface LineElement extends ChartWidget {
    setData(series: Array<{ title: string; x: string[]; y: number[] }>): void;
  }

  export default function line(options: LineOptions): LineElement;
}

declare module 'blessed-contrib/lib/widget/charts/bar.js' {
  import type { ChartColor, ChartWidget } from 'blessed-contrib/lib/widget/charts/line.js';

  export interface BarOptions {
    left: number;
    top: number;
    width: number;
    height: number;
    wrap: false;
    barWidth: number;
    barSpacing: number;
    xOffset: number;
    maxHeight: number;
    showText: false;
    barBgColor: ChartColor;
  }

  export interface BarElement extends ChartWidget {
    setData(data: { titles: string[]; data: number[] }): void;
  }

  export default function bar(options: BarOptions): BarElement;
}
