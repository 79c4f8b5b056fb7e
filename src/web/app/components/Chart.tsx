import { useEffect, useRef, type ReactNode } from 'react';
// The core and only the parts drawn here: the bundle carries bars, axes, legend and tooltip, not all of ECharts.
import { init, use as registerParts, type ComposeOption, type ECharts } from 'echarts/core';
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useI18n } from '../i18n';

registerParts([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type TChartOption = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/**
 * One ECharts chart on a canvas: made when the element mounts (and again when the language
 * changes, ECharts takes its locale at init), given each new option whole, resized with its
 * container, disposed on unmount. The canvas is an image named by `label`; `children` is its
 * text alternative (a visually hidden table of the same figures), which screen readers and the
 * tests read.
 *
 * CSP: canvas drawing needs no eval and no <style>; the tooltip is drawn on the canvas
 * (renderMode richText), because the HTML tooltip writes style attributes through innerHTML,
 * which the server's style-src refuses.
 */
export function Chart({
  id,
  label,
  option,
  height = 280,
  children,
}: {
  id: string;
  label: string;
  option: TChartOption;
  height?: number;
  children: ReactNode;
}) {
  const { lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts>();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const instance = init(el, undefined, { renderer: 'canvas', locale: lang === 'zh' ? 'ZH' : 'EN' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, [lang]);

  useEffect(() => {
    // Bars no wider than a finger: one stage or one township would otherwise fill the whole plot.
    const series = ([] as BarSeriesOption[]).concat(option.series ?? []).map((x) => ({ barMaxWidth: 56, ...x }));
    chart.current?.setOption({ ...option, series, tooltip: { renderMode: 'richText', ...option.tooltip } }, { notMerge: true });
  }, [option, lang]);

  return (
    <figure id={id} className="chart" style={{ margin: 0 }}>
      <div ref={box} role="img" aria-label={label} className="chart-canvas" style={{ width: '100%', height }} />
      <figcaption className="visually-hidden">{children}</figcaption>
    </figure>
  );
}
