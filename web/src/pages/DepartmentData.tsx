/**
 * 部门数据 the county rural bureau imports department records (CSV or Excel)
 * and watches the import run; a file with bad rows comes back with every bad
 * row listed by line and column, and nothing imported.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Card, Progress, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import type { Items } from '../../../shared/api-types';
import { api, ApiError, type FieldError } from '../api';

interface Job {
  id: string;
  filename: string;
  format: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  inserted: number;
  unchanged: number;
  message?: string;
  started_at: string;
}

const COLUMN_ZH: Record<string, string> = {
  department: '部门',
  kind: '类别',
  id_number: '身份证号',
  name: '姓名',
  amount: '金额',
  period: '期间',
};

const STATUS: Record<Job['status'], { color: string; text: string }> = {
  running: { color: 'processing', text: '导入中' },
  done: { color: 'success', text: '已完成' },
  failed: { color: 'error', text: '失败' },
};

export default function DepartmentData() {
  const { message } = App.useApp();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [current, setCurrent] = useState<Job>();
  const [refused, setRefused] = useState<{ title: string; errors: FieldError[] }>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const load = () => api.get<Items<Job>>('/api/department-data/imports').then((r) => setJobs(r.items));
  useEffect(() => void load(), []);
  // follow the running import until it ends
  useEffect(() => {
    if (!current || current.status !== 'running') return;
    const t = setTimeout(async () => {
      const j = await api.get<Job>(`/api/department-data/imports/${current.id}`);
      setCurrent(j);
      if (j.status !== 'running') {
        load();
        if (j.status === 'done') message.success(`导入完成：新增 ${j.inserted} 条，已存在 ${j.unchanged} 条`);
      }
    }, 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current]);

  const send = async (file: File) => {
    setRefused(undefined);
    setBusy(true);
    try {
      const job = await api.upload<Job>(
        `/api/department-data/imports?filename=${encodeURIComponent(file.name)}`,
        file,
      );
      setCurrent(job);
    } catch (err) {
      if (err instanceof ApiError) setRefused({ title: err.title, errors: err.errors });
      else message.error('上传失败');
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title="导入部门数据（医保、民政低保/特困、残联、人社、应急等）">
        <Typography.Paragraph type="secondary">
          支持 CSV 与 Excel（.xlsx）。必需列：部门（department）、类别（kind）、身份证号（id_number）；
          可选：姓名、金额、期间（如 2026-10）。部门和类别填代码或名称均可（按代码表统一存为代码）。
          整份文件先校验，每个有错误的行列出一条说明，且不导入任何数据；同样的记录重复导入不会产生重复记录。
        </Typography.Paragraph>
        <input
          ref={input}
          type="file"
          accept=".csv,.xlsx"
          aria-label="选择文件"
          style={{ display: 'none' }}
          onChange={(e) => e.target.files?.[0] && void send(e.target.files[0])}
        />
        <Space wrap>
          <Button
            type="primary"
            icon={<UploadOutlined />}
            loading={busy}
            onClick={() => input.current?.click()}
          >
            选择文件并导入
          </Button>
          <Button icon={<DownloadOutlined />} href="/api/department-data/template" download>
            下载导入模板（Excel）
          </Button>
        </Space>
        {current && (
          <div style={{ marginTop: 16 }} aria-live="polite">
            <Typography.Text>{current.filename}</Typography.Text>
            <Progress
              percent={current.total ? Math.round((current.done / current.total) * 100) : 0}
              status={
                current.status === 'failed' ? 'exception' : current.status === 'done' ? 'success' : 'active'
              }
            />
            {current.status === 'done' && (
              <Alert
                type="success"
                showIcon
                message={`导入完成：共 ${current.total} 条，新增 ${current.inserted} 条，已存在 ${current.unchanged} 条`}
              />
            )}
            {current.status === 'failed' && (
              <Alert type="error" showIcon message={`导入失败，未写入任何数据：${current.message ?? ''}`} />
            )}
          </div>
        )}
        {refused && (
          <Alert
            style={{ marginTop: 16 }}
            type="error"
            showIcon
            message={refused.title}
            description={
              <Table
                size="small"
                rowKey={(e) => e.path + e.message}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={refused.errors}
                columns={[
                  {
                    title: '位置',
                    dataIndex: 'path',
                    width: 180,
                    render: (p: string) =>
                      p.replace(
                        /^rows\/(\d+)\/?(.*)$/,
                        (_m, l: string, c: string) =>
                          `第 ${l} 行${
                            c
                              ? ` · ${c
                                  .split(',')
                                  .map((x) => COLUMN_ZH[x] ?? x)
                                  .join('、')}`
                              : ''
                          }`,
                      ),
                  },
                  {
                    title: '问题',
                    dataIndex: 'message',
                    // the row is named in 位置: say it once
                    render: (m: string) => m.replace(/^第\d+行：/, ''),
                  },
                ]}
              />
            }
          />
        )}
      </Card>
      <Card title="最近导入">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={jobs}
          scroll={{ x: 700 }}
          columns={[
            { title: '文件', dataIndex: 'filename' },
            {
              title: '时间',
              dataIndex: 'started_at',
              render: (t: string) => new Date(t).toLocaleString('zh-CN'),
            },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: Job['status']) => <Tag color={STATUS[s].color}>{STATUS[s].text}</Tag>,
            },
            { title: '条数', dataIndex: 'total' },
            { title: '新增', dataIndex: 'inserted' },
            { title: '已存在', dataIndex: 'unchanged' },
          ]}
        />
      </Card>
    </Space>
  );
}
