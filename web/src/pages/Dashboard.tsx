/** 统计 counts by region and status, cases per step, overdue tasks, open notices, approvals per month. */
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Col, Row, Select, Statistic } from 'antd';
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

function Chart({ option, height = 280 }: { option: echarts.EChartsCoreOption; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(el.current!);
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return <div ref={el} style={{ height, width: '100%' }} role="img" aria-label="统计图" />;
}

export default function Dashboard() {
  const [d, setD] = useState<any>();
  const [org, setOrg] = useState<string>();
  const [orgs, setOrgs] = useState<any[]>([]);
  useEffect(() => {
    api
      .get('/api/orgs')
      .then((r) => setOrgs(r.items.filter((o: any) => o.level === 'township' || o.level === 'village')));
  }, []);
  useEffect(() => {
    api.get(`/api/dashboard${org ? `?org=${org}` : ''}`).then(setD);
  }, [org]);
  // 节假日安排 a missing year is everyone's concern near the end of a year: working-day windows would wait
  const [calendarWarning, setCalendarWarning] = useState<string | null>(null);
  useEffect(() => {
    api
      .get('/api/calendar/status')
      .then((s) => setCalendarWarning(s.message))
      .catch(() => {});
  }, []);
  if (!d) return null;
  const total = d.byStatus.reduce((a: number, x: any) => a + x.n, 0);
  const running = d.byStatus
    .filter((x: any) => x.status === 'running')
    .reduce((a: number, x: any) => a + x.n, 0);
  const approved = d.byStatus
    .filter((x: any) => x.status === 'approved')
    .reduce((a: number, x: any) => a + x.n, 0);
  const statuses = [...new Set(d.byStatus.map((x: any) => x.status))] as string[];
  const processes = [...new Set(d.byStatus.map((x: any) => x.process_key))] as string[];
  const months = [...new Set(d.monthly.map((x: any) => x.month))] as string[];
  return (
    <Row gutter={[16, 16]}>
      {calendarWarning && (
        <Col span={24}>
          <Alert type="warning" showIcon message={calendarWarning} role="alert" />
        </Col>
      )}
      <Col span={24}>
        <Select
          allowClear
          placeholder="全部地区"
          style={{ width: 200 }}
          value={org}
          onChange={setOrg}
          options={orgs.map((o) => ({ value: o.id, label: o.name }))}
          aria-label="按地区筛选"
        />
      </Col>
      {[
        ['案件总数', total],
        ['办理中', running],
        ['已通过', approved],
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
      <Col xs={24} lg={12}>
        <Card title="各事项办理状态">
          <Chart
            option={{
              tooltip: {},
              legend: {},
              grid: { left: 40, right: 10, bottom: 30 },
              xAxis: { type: 'category', data: processes.map((p) => PROCESS[p] ?? p) },
              yAxis: { type: 'value', minInterval: 1 },
              series: statuses.map((s) => ({
                type: 'bar',
                stack: 'a',
                name: STATUS[s]?.text ?? s,
                data: processes.map(
                  (p) => d.byStatus.find((x: any) => x.process_key === p && x.status === s)?.n ?? 0,
                ),
              })),
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="各乡镇案件数">
          <Chart
            option={{
              tooltip: {},
              grid: { left: 40, right: 10, bottom: 30 },
              xAxis: { type: 'category', data: d.byRegion.map((r: any) => r.name) },
              yAxis: { type: 'value', minInterval: 1 },
              series: [
                { type: 'bar', data: d.byRegion.map((r: any) => r.n), itemStyle: { color: '#a61d24' } },
              ],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="待办环节分布">
          <Chart
            option={{
              tooltip: {},
              series: [
                {
                  type: 'pie',
                  radius: ['40%', '70%'],
                  data: d.byStep.map((s: any) => ({ name: s.step_title, value: s.n })),
                },
              ],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="每月识别、消除数量">
          <Chart
            option={{
              tooltip: {},
              legend: {},
              grid: { left: 40, right: 10, bottom: 30 },
              xAxis: { type: 'category', data: months },
              yAxis: { type: 'value', minInterval: 1 },
              series: processes.map((p) => ({
                type: 'line',
                name: PROCESS[p] ?? p,
                data: months.map(
                  (m) => d.monthly.find((x: any) => x.month === m && x.process_key === p)?.n ?? 0,
                ),
              })),
            }}
          />
        </Card>
      </Col>
    </Row>
  );
}
