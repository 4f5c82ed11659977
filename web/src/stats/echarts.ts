/**
 * The one file that touches ECharts: only the charts and components the dashboard draws are
 * registered (tree-shaken `echarts/core`), plus a dark theme for the large screen.
 */
import { BarChart, FunnelChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, LineChart, MapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const light = '#cfd8e3';
echarts.registerTheme('dz-dark', {
  backgroundColor: 'transparent',
  textStyle: { color: light },
  title: { textStyle: { color: '#e8eef5' } },
  legend: { textStyle: { color: light }, pageTextStyle: { color: light } },
  categoryAxis: { axisLabel: { color: light }, axisLine: { lineStyle: { color: '#4a5a70' } }, nameTextStyle: { color: light } },
  valueAxis: { axisLabel: { color: light }, splitLine: { lineStyle: { color: '#26344a' } }, nameTextStyle: { color: light } },
  visualMap: { textStyle: { color: light } },
});

export { echarts };
export type ECharts = echarts.ECharts;
