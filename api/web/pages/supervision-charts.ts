import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/** ECharts with only what the supervision page draws; the page imports this module dynamically, so it is a chunk of its own. */
use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);
export { init };
