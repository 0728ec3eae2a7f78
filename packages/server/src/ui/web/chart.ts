/**
 * Stacked bar charts as inline SVG: a fixed viewBox (no layout shift), colours from the style
 * sheet (no inline style, so the strict CSP holds), a `<title>` per bar for pointer users, and
 * the same numbers in a table beside it for everyone else.
 */
import { h, s, table, type Child } from './dom.ts';

export interface Series {
  name: string;
  values: number[];
}

export interface BarChartOptions {
  title: string;
  /** One label per bar (build numbers). */
  categories: string[];
  /** Stacked from the bottom; at most 4 (one colour class each). */
  series: Series[];
  format: (n: number) => string;
  /** Axis steps: `bytes` keeps ticks at round KiB/MiB, `count` at whole numbers. */
  scale?: 'bytes' | 'count';
  /** Links for the category labels in the data table. */
  href?: (category: string) => string;
}

const W = 640;
const H = 260;
const PAD = { top: 16, right: 12, bottom: 36, left: 72 };

let uid = 0;

/** A "nice" axis maximum: 1, 2, 2.5 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** The axis top for a scale: whole KiB/MiB/GiB steps for bytes, whole quarters for counts. */
export function axisTop(max: number, scale: 'bytes' | 'count' | undefined): number {
  if (scale === 'bytes' && max >= 1024) {
    const unit = 1024 ** Math.min(4, Math.floor(Math.log(max) / Math.log(1024)));
    return niceMax(max / unit) * unit;
  }
  if (scale === 'count') return Math.max(4, Math.ceil(max / 4) * 4);
  return niceMax(max);
}

export function barChart(o: BarChartOptions): HTMLElement {
  const id = `chart-${++uid}`;
  const n = o.categories.length;
  const totals = o.categories.map((_, i) => o.series.reduce((t, se) => t + (se.values[i] ?? 0), 0));
  const top = axisTop(Math.max(0, ...totals), o.scale);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number): number => PAD.top + plotH - (v / top) * plotH;
  const band = n > 0 ? plotW / n : plotW;
  const barW = Math.max(2, Math.min(48, band * 0.7));
  const labelEvery = Math.max(1, Math.ceil(n / 16));

  const grid: SVGElement[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    const yy = y(v);
    grid.push(
      s('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: yy, y2: yy }),
      s('text', { class: 'tick', x: PAD.left - 6, y: yy + 4, 'text-anchor': 'end' }, o.format(v)),
    );
  }
  const bars: SVGElement[] = [];
  o.categories.forEach((cat, i) => {
    const x = PAD.left + band * i + (band - barW) / 2;
    let base = 0;
    o.series.forEach((se, k) => {
      const v = se.values[i] ?? 0;
      if (v <= 0) return;
      const y0 = y(base);
      const y1 = y(base + v);
      base += v;
      bars.push(
        s(
          'rect',
          { class: `bar s${k}`, x, y: y1, width: barW, height: Math.max(0.5, y0 - y1) },
          s('title', null, `#${cat} ${se.name}: ${o.format(v)}`),
        ),
      );
    });
    if (i % labelEvery === 0) {
      bars.push(
        s(
          'text',
          { class: 'tick', x: x + barW / 2, y: H - PAD.bottom + 16, 'text-anchor': 'middle' },
          cat,
        ),
      );
    }
  });
  const summary =
    n === 0
      ? 'No data.'
      : `${n} builds from #${o.categories[0]} to #${o.categories[n - 1]}; largest ${o.format(Math.max(...totals))}, latest ${o.format(totals[n - 1] ?? 0)}.`;
  const svg = s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-labelledby': `${id}-t`,
      'aria-describedby': `${id}-d`,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', { id: `${id}-t` }, o.title),
    s('desc', { id: `${id}-d` }, summary),
    grid,
    s('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0) }),
    bars,
    s(
      'text',
      { class: 'axis-label', x: PAD.left + plotW / 2, y: H - 4, 'text-anchor': 'middle' },
      'build number',
    ),
  );
  const legend: Child =
    o.series.length > 1
      ? h(
          'ul',
          { class: 'legend' },
          o.series.map((se, k) =>
            h('li', null, h('span', { class: `swatch s${k}`, 'aria-hidden': 'true' }), se.name),
          ),
        )
      : null;
  const rows = o.categories.map((cat, i) => [
    o.href ? h('a', { href: o.href(cat) }, `#${cat}`) : `#${cat}`,
    ...o.series.map((se) => o.format(se.values[i] ?? 0)),
    ...(o.series.length > 1 ? [o.format(totals[i] ?? 0)] : []),
  ]);
  return h(
    'figure',
    { class: 'chart-figure' },
    h('figcaption', null, o.title),
    svg,
    legend,
    h(
      'details',
      null,
      h('summary', null, 'The numbers'),
      table(
        o.title,
        ['Build', ...o.series.map((se) => se.name), ...(o.series.length > 1 ? ['Total'] : [])],
        rows,
      ),
    ),
  );
}
