// ECharts for the statistics page (Dashboard.vue), and only there: this module is imported by
// that page alone, which the router loads when it is first opened, so no other page of any
// portal loads the chart library. Only the charts and components the page draws are taken
// (echarts/core), drawn on canvas.
import * as echarts from 'echarts/core'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }
