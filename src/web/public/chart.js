// Hand-drawn SVG bar charts: horizontal bars (long Chinese labels fit on a phone), one or two series.
import { t } from './i18n.js';
import { h } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/**
 * barChart({ id, title, rows: [{ label, values: [n, n?] }], series: ['已批准', '申报总额'], format })
 * An SVG with role="img", a <title>, and a data table under <details> for screen readers. A value
 * may be a decimal string (the API's money sums): bar lengths use it as a number, the labels and
 * `data-value` keep it exact.
 */
export function barChart({ id, title, rows, series = [''], format = (v) => String(v) }) {
  const figure = h('figure', { class: 'chart', id });
  figure.append(h('figcaption', {}, title));
  if (!rows.length) {
    figure.append(h('p', { class: 'muted' }, t('dash.noData')));
    return figure;
  }
  const W = 420,
    labelW = 100,
    valueW = 56,
    barH = 18,
    gap = 6;
  const groupH = series.length * barH + (series.length - 1) * 2 + gap * 2;
  const H = rows.length * groupH + (series.length > 1 ? 24 : 0);
  const max = Math.max(1, ...rows.flatMap((r) => r.values.map(Number)));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, width: '100%', preserveAspectRatio: 'xMinYMin meet' });
  svg.append(s('title', {}, title));
  rows.forEach((r, i) => {
    const y0 = i * groupH + gap;
    svg.append(s('text', { x: labelW - 8, y: y0 + (series.length * (barH + 2)) / 2 + 4, 'text-anchor': 'end', class: 'label' }, r.label));
    r.values.forEach((v, j) => {
      const w = Math.max(Number(v) > 0 ? 2 : 0, ((W - labelW - valueW) * Number(v)) / max);
      const y = y0 + j * (barH + 2);
      const bar = s('rect', { x: labelW, y, width: w, height: barH, rx: 3, class: `bar series-${j}`, 'data-value': v, 'data-label': r.label });
      bar.append(s('title', {}, `${r.label}${series[j] ? ' · ' + series[j] : ''}: ${format(v)}`));
      svg.append(bar, s('text', { x: labelW + w + 6, y: y + barH - 4, class: 'value' }, format(v)));
    });
  });
  if (series.length > 1) {
    series.forEach((name, j) => {
      const x = labelW + j * Math.min(110, Math.floor((W - labelW) / series.length)),
        y = H - 16;
      svg.append(s('rect', { x, y, width: 12, height: 12, class: `bar series-${j}` }), s('text', { x: x + 18, y: y + 11, class: 'label' }, name));
    });
  }
  figure.append(svg);
  figure.append(
    h(
      'details',
      {},
      h('summary', {}, t('dash.data')),
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, ''),
            series.map((n) => h('th', { scope: 'col' }, n || title)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((r) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, r.label),
              r.values.map((v) => h('td', { class: 'num' }, format(v))),
            ),
          ),
        ),
      ),
    ),
  );
  return figure;
}
