/** 统计 counts by region and status, cases per step, overdue tasks, open notices, approvals per month. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Empty, Row, Select, Space, Statistic } from 'antd';
import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, TitleComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { api } from '../api';
import { PROCESS, STATUS } from '../labels';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  TitleComponent,
  CanvasRenderer,
]);

/**
 * Printing or exporting draws the final state at once: no grow-in animation (a printed page or a full-page
 * screenshot would otherwise catch the bars at zero), and a resize never replays the animation.
 */
function usePrinting(): boolean {
  const [printing, setPrinting] = useState(() => window.matchMedia?.('print').matches ?? false);
  useEffect(() => {
    const mq = window.matchMedia?.('print');
    const on = () => setPrinting(true);
    const off = () => setPrinting(mq?.matches ?? false);
    const change = (e: MediaQueryListEvent) => setPrinting(e.matches);
    mq?.addEventListener('change', change);
    window.addEventListener('beforeprint', on);
    window.addEventListener('afterprint', off);
    return () => {
      mq?.removeEventListener('change', change);
      window.removeEventListener('beforeprint', on);
      window.removeEventListener('afterprint', off);
    };
  }, []);
  return printing;
}

function Chart({
  option,
  height = 280,
  printing,
  label,
}: {
  option: echarts.EChartsCoreOption;
  height?: number;
  printing: boolean;
  label: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(null);
  useEffect(() => {
    const c = echarts.init(el.current!);
    chart.current = c;
    // resizing (a full-page screenshot, the print layout) redraws without replaying the animation
    const resize = () => c.resize({ animation: { duration: 0 } });
    window.addEventListener('resize', resize);
    const observer = new ResizeObserver(resize);
    observer.observe(el.current!);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.setOption({ ...option, animation: !printing }, { notMerge: true });
    if (printing) c.resize({ animation: { duration: 0 } });
  }, [option, printing]);
  return (
    <div
      ref={el}
      style={{ height, width: '100%', breakInside: 'avoid' }}
      role="img"
      aria-label={label}
      data-chart={label}
    />
  );
}

/** legend on its own line above the plot, axis labels kept inside the box (they never meet) */
const LEGEND = { top: 0, type: 'scroll' as const };
const GRID = { top: 44, left: 8, right: 16, bottom: 8, containLabel: true };
const CATEGORY_LABEL = { interval: 0, hideOverlap: true, width: 84, overflow: 'truncate' as const };

interface Figures {
  byStatus: { process_key: string; status: string; n: number }[];
  byStep: { process_key: string; step_title: string; n: number }[];
  overdueTasks: number;
  openNotices: number;
  monthly: { month: string; process_key: string; n: number }[];
  byRegion: { id: string; name: string; n: number }[];
}

function options(d: Figures) {
  const statuses = [...new Set(d.byStatus.map((x) => x.status))];
  const processes = [...new Set(d.byStatus.map((x) => x.process_key))];
  const months = [...new Set(d.monthly.map((x) => x.month))];
  return {
    byStatus: {
      tooltip: {},
      legend: LEGEND,
      grid: GRID,
      xAxis: { type: 'category', data: processes.map((p) => PROCESS[p] ?? p), axisLabel: CATEGORY_LABEL },
      yAxis: { type: 'value', minInterval: 1 },
      series: statuses.map((s) => ({
        type: 'bar',
        stack: 'a',
        name: STATUS[s]?.text ?? s,
        data: processes.map((p) => d.byStatus.find((x) => x.process_key === p && x.status === s)?.n ?? 0),
      })),
    },
    byRegion: {
      tooltip: {},
      grid: { ...GRID, top: 16 },
      xAxis: { type: 'category', data: d.byRegion.map((r) => r.name), axisLabel: CATEGORY_LABEL },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: d.byRegion.map((r) => r.n), itemStyle: { color: '#a61d24' } }],
    },
    byStep: {
      tooltip: {},
      legend: { ...LEGEND, show: false },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          data: d.byStep.map((s) => ({ name: s.step_title, value: s.n })),
        },
      ],
    },
    monthly: {
      tooltip: {},
      legend: LEGEND,
      grid: GRID,
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', minInterval: 1 },
      series: processes.map((p) => ({
        type: 'line',
        name: PROCESS[p] ?? p,
        data: months.map((m) => d.monthly.find((x) => x.month === m && x.process_key === p)?.n ?? 0),
      })),
    },
    empty: {
      byStatus: d.byStatus.length === 0,
      byRegion: !d.byRegion.some((r) => r.n > 0),
      byStep: d.byStep.length === 0,
      monthly: d.monthly.length === 0,
    },
  };
}

export default function Dashboard() {
  const [d, setD] = useState<Figures>();
  const [org, setOrg] = useState<string>();
  const [orgs, setOrgs] = useState<{ id: string; name: string; level: string }[]>([]);
  const printing = usePrinting();
  useEffect(() => {
    api
      .get<{ items: { id: string; name: string; level: string }[] }>('/api/orgs')
      .then((r) => setOrgs(r.items.filter((o) => o.level === 'township' || o.level === 'village')));
  }, []);
  useEffect(() => {
    api.get<Figures>(`/api/dashboard${org ? `?org=${encodeURIComponent(org)}` : ''}`).then(setD);
  }, [org]);
  // 节假日安排 a missing year is everyone's concern near the end of a year: working-day windows would wait
  const [calendarWarning, setCalendarWarning] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<{ message: string | null }>('/api/calendar/status')
      .then((s) => setCalendarWarning(s.message))
      .catch(() => {});
  }, []);
  const opt = useMemo(() => (d ? options(d) : undefined), [d]);
  if (!d || !opt) return null;
  const sum = (status?: string) =>
    d.byStatus.filter((x) => !status || x.status === status).reduce((a, x) => a + x.n, 0);
  const total = sum();
  const chart = (key: 'byStatus' | 'byRegion' | 'byStep' | 'monthly', title: string) => (
    <Col xs={24} lg={12} key={key}>
      <Card title={title}>
        {opt.empty[key] ? (
          <Empty description="暂无数据" style={{ height: 248, paddingTop: 60 }} />
        ) : (
          <Chart option={opt[key]} printing={printing} label={title} />
        )}
      </Card>
    </Col>
  );
  return (
    <Row gutter={[16, 16]}>
      {/* on paper: the figures only, not the app's menus or this page's buttons */}
      <style>{`@media print {
        .ant-layout-sider, .ant-layout-header, nav[aria-label="主菜单"], .zx-no-print { display: none !important; }
      }`}</style>
      {calendarWarning && (
        <Col span={24}>
          <Alert type="warning" showIcon message={calendarWarning} role="alert" />
        </Col>
      )}
      <Col span={24} className="zx-no-print">
        <Space wrap>
          <Select
            allowClear
            placeholder="全部地区"
            style={{ width: 200 }}
            value={org}
            onChange={setOrg}
            options={orgs.map((o) => ({ value: o.id, label: o.name }))}
            aria-label="按地区筛选"
          />
          <Button
            icon={<DownloadOutlined />}
            href={`/api/dashboard/export.xlsx${org ? `?org=${encodeURIComponent(org)}` : ''}`}
            download
          >
            导出 Excel
          </Button>
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
            打印
          </Button>
        </Space>
      </Col>
      {[
        ['案件总数', total],
        ['办理中', sum('running')],
        ['已通过', sum('approved')],
        ['超期任务', d.overdueTasks],
        ['公示中', d.openNotices],
      ].map(([t, v]) => (
        <Col key={t as string} xs={12} md={8} lg={4}>
          <Card>
            <Statistic
              title={t as string}
              value={v as number}
              valueStyle={t === '超期任务' && (v as number) > 0 ? { color: '#cf1322' } : undefined}
            />
          </Card>
        </Col>
      ))}
      {total === 0 ? (
        <Col span={24}>
          <Card>
            <Empty description="所选地区还没有案件，暂无统计数据" />
          </Card>
        </Col>
      ) : (
        <>
          {chart('byStatus', '各事项办理状态')}
          {chart('byRegion', '各乡镇案件数')}
          {chart('byStep', '待办环节分布')}
          {chart('monthly', '每月识别、消除数量')}
        </>
      )}
    </Row>
  );
}
