/**
 * 节假日安排 the administrator keeps the working-day calendar: a year as a month grid with days off and
 * make-up working days marked, entered as date ranges or imported from an .ics / CSV / JSON file, checked
 * and compared with the last version before it is published. Windows already open keep their close time.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Calendar,
  Card,
  Col,
  DatePicker,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiError, type FieldError, type Items, type OrgNode } from '../api';

interface Range {
  name: string;
  kind: 'holiday' | 'workday';
  from: string;
  to: string;
}
interface Diff {
  addedHolidays: string[];
  removedHolidays: string[];
  addedWorkdays: string[];
  removedWorkdays: string[];
}
interface YearView {
  latest: {
    version: number;
    holidays: string[];
    workdays: string[];
    ranges: Range[];
    source: string;
    note: string | null;
  } | null;
  national: { holidays: string[]; workdays: string[] } | null;
  versions: {
    version: number;
    source: string;
    note: string | null;
    published_by: string;
    published_at: string;
  }[];
}

const KIND = { holiday: '放假', workday: '调休上班' } as const;
const SOURCE: Record<string, string> = {
  manual: '手工录入',
  ics: '.ics 导入',
  csv: 'CSV 导入',
  json: 'JSON 导入',
};
const MONTHS = Array.from({ length: 12 }, (_, i) => i);

/** whether cases wait for a year nobody has published (GET /api/calendar/status) */
interface CalendarStatus {
  message: string | null;
  waiting: { year: number; cases: number }[];
}
/** what a publication would be (POST /api/admin/calendar/:year/preview) */
interface CalendarPreview {
  ranges: Range[];
  days: { holidays: string[]; workdays: string[] };
  diff: Diff;
}

export default function HolidayCalendar() {
  const { message } = App.useApp();
  const thisYear = dayjs().year();
  const [year, setYear] = useState(() => thisYear + (dayjs().month() >= 9 ? 1 : 0));
  const [scope, setScope] = useState('national');
  const [regions, setRegions] = useState<{ id: string; name: string; level: string }[]>([]);
  const [view, setView] = useState<YearView>();
  const [ranges, setRanges] = useState<Range[]>([]);
  const [days, setDays] = useState<{ holidays: string[]; workdays: string[] }>();
  const [diff, setDiff] = useState<Diff>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [note, setNote] = useState('');
  const [status, setStatus] = useState<CalendarStatus>();
  const file = useRef<HTMLInputElement>(null);

  const load = () => {
    api.get<YearView>(`/api/admin/calendar/${year}?scope=${encodeURIComponent(scope)}`).then((v) => {
      setView(v);
      setRanges(v.latest?.ranges ?? []);
      setDays(v.latest ? { holidays: v.latest.holidays, workdays: v.latest.workdays } : undefined);
      setDiff(undefined);
      setErrors([]);
    });
    api
      .get<CalendarStatus>('/api/calendar/status')
      .then(setStatus)
      .catch(() => {});
  };
  useEffect(load, [year, scope]);
  useEffect(() => {
    api
      .get<Items<OrgNode>>('/api/orgs')
      .then((r) => setRegions(r.items.filter((o) => ['province', 'city', 'county'].includes(o.level))))
      .catch(() => {});
  }, []);

  const body = (extra: object = {}) => ({ ...(scope === 'national' ? {} : { scope }), ranges, ...extra });
  const refused = (e: unknown) => {
    if (e instanceof ApiError) {
      setErrors(e.errors.length ? e.errors : [{ path: '', message: e.title, message_en: '' }]);
      message.error(e.title);
    } else message.error('网络异常，录入的内容都还在，请重试');
  };
  const preview = async (payload: object = body()) => {
    try {
      const r = await api.post<CalendarPreview>(`/api/admin/calendar/${year}/preview`, payload);
      setRanges(r.ranges);
      setDays(r.days);
      setDiff(r.diff);
      setErrors([]);
      return r;
    } catch (e) {
      refused(e);
      return undefined;
    }
  };
  const importFile = async (f: File) => {
    const kind = /\.ics$/i.test(f.name) ? 'ics' : /\.json$/i.test(f.name) ? 'json' : 'csv';
    const r = await preview({
      ...(scope === 'national' ? {} : { scope }),
      file: { kind, text: await f.text() },
    });
    if (r) message.success(`已从 ${f.name} 读入 ${r.ranges.length} 段安排，请核对后发布`);
    if (file.current) file.current.value = '';
  };
  const publish = async () => {
    const r = await preview();
    if (!r) return;
    const count = (xs: string[]) => xs.length;
    Modal.confirm({
      title: `发布${year}年${scope === 'national' ? '' : '本地区'}节假日安排（第${(view?.latest?.version ?? 0) + 1}版）？`,
      width: 520,
      content: (
        <div>
          <p>
            放假 {r.days.holidays.length} 天，调休上班 {r.days.workdays.length} 天。
          </p>
          {view?.latest && (
            <p>
              与第{view.latest.version}版相比：新增放假 {count(r.diff.addedHolidays)} 天、取消放假{' '}
              {count(r.diff.removedHolidays)} 天、新增调休上班 {count(r.diff.addedWorkdays)} 天、取消调休上班{' '}
              {count(r.diff.removedWorkdays)} 天。
            </p>
          )}
          <p>
            发布后，新开始的公示和办理期限按新版本计算；已经开始的公示截止时间不变。等待本年安排的案件将自动继续。
          </p>
        </div>
      ),
      okText: '确认发布',
      cancelText: '取消',
      onOk: async () => {
        try {
          const p = await api.post<{ version: number; woken?: number }>(
            `/api/admin/calendar/${year}/versions`,
            body({ note: note || undefined }),
          );
          message.success(
            `已发布${year}年第${p.version}版${p.woken ? `，${p.woken} 个等待中的案件已继续` : ''}`,
          );
          setNote('');
          load();
        } catch (e) {
          refused(e);
        }
      },
    });
  };

  const set = (i: number, patch: Partial<Range>) =>
    setRanges((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const errorOf = (i: number) =>
    errors.filter((e) => e.path.startsWith(`ranges.${i}.`) || e.path === `ranges.${i}`).map((e) => e.message);
  const marks = useMemo(() => {
    const h = new Set(days?.holidays ?? []);
    const w = new Set(days?.workdays ?? []);
    // a region's page shows the national days it adds to, lighter
    const nh = new Set(scope === 'national' ? [] : (view?.national?.holidays ?? []));
    const nw = new Set(scope === 'national' ? [] : (view?.national?.workdays ?? []));
    return { h, w, nh, nw };
  }, [days, view, scope]);
  const cell = (date: Dayjs, month: number) => {
    if (date.month() !== month) return <div style={{ height: 28 }} />;
    const d = date.format('YYYY-MM-DD');
    const off = marks.h.has(d) || marks.nh.has(d);
    const work = marks.w.has(d) || marks.nw.has(d);
    const weekend = date.day() === 0 || date.day() === 6;
    const own = marks.h.has(d) || marks.w.has(d);
    return (
      <div
        data-date={d}
        data-kind={off ? 'holiday' : work ? 'workday' : weekend ? 'weekend' : 'working'}
        title={off ? '放假' : work ? '调休上班' : undefined}
        style={{
          height: 28,
          lineHeight: '28px',
          textAlign: 'center',
          borderRadius: 4,
          background: off ? (own ? '#fde2e2' : '#fff1f0') : work ? (own ? '#dbeafe' : '#eff6ff') : undefined,
          color: off ? '#a61d24' : work ? '#1d4ed8' : weekend ? '#999' : undefined,
          fontWeight: off || work ? 600 : 400,
          position: 'relative',
        }}
      >
        {date.date()}
        {(off || work) && (
          <span style={{ position: 'absolute', top: -6, right: 0, fontSize: 9 }}>{off ? '休' : '班'}</span>
        )}
      </div>
    );
  };

  const years = Array.from({ length: 6 }, (_, i) => thisYear - 3 + i);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title="节假日安排"
        extra={
          <Space wrap>
            <Select
              aria-label="年份"
              value={year}
              onChange={setYear}
              style={{ width: 110 }}
              options={years.map((y) => ({ value: y, label: `${y}年` }))}
            />
            <Select
              aria-label="适用范围"
              value={scope}
              onChange={setScope}
              style={{ width: 200 }}
              options={[
                { value: 'national', label: '全国（国务院办公厅通知）' },
                ...regions.map((r) => ({ value: r.id, label: `${r.name}（本地区增加）` })),
              ]}
            />
          </Space>
        }
      >
        {status?.message && (
          <Alert type="warning" showIcon message={status.message} style={{ marginBottom: 12 }} />
        )}
        {status?.waiting?.length ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={status.waiting
              .map((w) => `${w.cases} 个案件的公示或办理期限正在等待${w.year}年安排`)
              .join('；')}
          />
        ) : null}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          按工作日计算的公示期和办理期限以这里发布的安排为准：放假日不计，调休上班日计入。
          {view?.latest
            ? `当前为第${view.latest.version}版（${SOURCE[view.latest.source] ?? `初始数据：${view.latest.source}`}）。`
            : `${year}年${scope === 'national' ? '' : '本地区'}尚未发布：请按国务院办公厅通知逐段录入，或导入 .ics / CSV 文件。`}
          修改已发布的年份只影响此后开始的公示，已开始的公示截止时间不变。
        </Typography.Paragraph>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xxl={10}>
          <Card
            title="录入安排"
            extra={
              <Space>
                <input
                  ref={file}
                  type="file"
                  accept=".ics,.csv,.json,.txt"
                  hidden
                  aria-label="导入文件"
                  onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])}
                />
                <Button onClick={() => file.current?.click()}>导入文件（.ics/CSV）</Button>
              </Space>
            }
          >
            {errors.length > 0 && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 12 }}
                message="有需要修改的地方，未发布"
                description={
                  <ul style={{ margin: 0, paddingLeft: 18 }}>
                    {errors.map((e) => (
                      <li key={e.path + e.message}>{e.message}</li>
                    ))}
                  </ul>
                }
              />
            )}
            <Table
              size="small"
              rowKey={(_, i) => String(i)}
              pagination={false}
              dataSource={ranges}
              scroll={{ x: 560 }}
              columns={[
                {
                  title: '名称',
                  width: 170,
                  render: (_, r, i) => (
                    <Input
                      aria-label={`第${i + 1}段名称`}
                      value={r.name}
                      maxLength={30}
                      status={errorOf(i).length ? 'error' : undefined}
                      placeholder="如 春节"
                      onChange={(e) => set(i, { name: e.target.value })}
                    />
                  ),
                },
                {
                  title: '类型',
                  width: 110,
                  render: (_, r, i) => (
                    <Select
                      aria-label={`第${i + 1}段类型`}
                      value={r.kind}
                      style={{ width: 100 }}
                      onChange={(kind) => set(i, { kind })}
                      options={Object.entries(KIND).map(([value, label]) => ({ value, label }))}
                    />
                  ),
                },
                {
                  title: '日期',
                  render: (_, r, i) => (
                    <div>
                      <DatePicker.RangePicker
                        aria-label={`第${i + 1}段日期`}
                        value={r.from ? [dayjs(r.from), dayjs(r.to || r.from)] : null}
                        onChange={(v) =>
                          v && set(i, { from: v[0]!.format('YYYY-MM-DD'), to: v[1]!.format('YYYY-MM-DD') })
                        }
                        defaultPickerValue={[dayjs(`${year}-01-01`), dayjs(`${year}-01-01`)]}
                        allowClear={false}
                        style={{ width: 230 }}
                      />
                      {errorOf(i).map((m) => (
                        <div key={m} style={{ color: '#ff4d4f', fontSize: 12 }}>
                          {m}
                        </div>
                      ))}
                    </div>
                  ),
                },
                {
                  title: '',
                  width: 56,
                  render: (_, _r, i) => (
                    <Button
                      type="link"
                      danger
                      onClick={() => setRanges((rs) => rs.filter((_x, j) => j !== i))}
                    >
                      删除
                    </Button>
                  ),
                },
              ]}
            />
            <Space wrap style={{ marginTop: 12 }}>
              <Button
                onClick={() => setRanges((rs) => [...rs, { name: '', kind: 'holiday', from: '', to: '' }])}
              >
                添加放假
              </Button>
              <Button
                onClick={() => setRanges((rs) => [...rs, { name: '', kind: 'workday', from: '', to: '' }])}
              >
                添加调休上班
              </Button>
            </Space>
            <Input.TextArea
              aria-label="发布说明"
              rows={2}
              style={{ marginTop: 12 }}
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
              placeholder="发布说明（如：国办发明电〔2026〕×号）"
            />
            <Space style={{ marginTop: 12 }}>
              <Button onClick={() => void preview()}>检查并预览</Button>
              <Button type="primary" onClick={() => void publish()}>
                发布
              </Button>
            </Space>
            {diff && view?.latest && (
              <Alert
                type="info"
                style={{ marginTop: 12 }}
                message={`与第${view.latest.version}版相比`}
                description={
                  <div>
                    {(['addedHolidays', 'removedHolidays', 'addedWorkdays', 'removedWorkdays'] as const).map(
                      (k) => (
                        <div key={k}>
                          {
                            {
                              addedHolidays: '新增放假',
                              removedHolidays: '取消放假',
                              addedWorkdays: '新增调休上班',
                              removedWorkdays: '取消调休上班',
                            }[k]
                          }
                          ：{diff[k].length ? diff[k].join('、') : '无'}
                        </div>
                      ),
                    )}
                  </div>
                }
              />
            )}
          </Card>
          {view && view.versions.length > 0 && (
            <Card title="版本记录" style={{ marginTop: 16 }}>
              <Table
                size="small"
                rowKey="version"
                pagination={false}
                dataSource={view.versions}
                columns={[
                  { title: '版本', dataIndex: 'version', render: (v) => `第${v}版` },
                  { title: '来源', dataIndex: 'source', render: (s) => SOURCE[s] ?? '初始数据' },
                  { title: '发布人', dataIndex: 'published_by' },
                  {
                    title: '时间',
                    dataIndex: 'published_at',
                    render: (t) => dayjs(t).format('YYYY-MM-DD HH:mm'),
                  },
                  { title: '说明', dataIndex: 'note', render: (n) => n ?? '—' },
                ]}
              />
            </Card>
          )}
        </Col>
        <Col xs={24} xxl={14}>
          <Card
            title={`${year}年`}
            extra={
              <Space size={4}>
                <Tag color="red">休 放假</Tag>
                <Tag color="blue">班 调休上班</Tag>
              </Space>
            }
          >
            <Row gutter={[12, 12]} aria-label={`${year}年月历`}>
              {MONTHS.map((m) => (
                <Col key={m} xs={24} sm={12} lg={6}>
                  <div style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: 4 }}>
                    <Calendar
                      fullscreen={false}
                      value={dayjs(`${year}-${String(m + 1).padStart(2, '0')}-01`)}
                      headerRender={() => (
                        <div style={{ fontWeight: 600, padding: '4px 8px' }}>{m + 1}月</div>
                      )}
                      fullCellRender={(date) => cell(date, m)}
                    />
                  </div>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
