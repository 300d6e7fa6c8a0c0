/**
 * 拒绝 the server's refusal of an administrator's action: its title and the message of each field error, shown
 * above the page as an alert the administrator closes; anything that is not an answer of the API (the network
 * gone, say) is a short 操作失败. Pages whose refusals mark rows or fields show them their own way.
 */
import { useState } from 'react';
import { Alert, App } from 'antd';
import { ApiError, type FieldError } from '../api';

export interface Refusal {
  title: string;
  errors: FieldError[];
}

/** the refusal on show, `fail` for a catch (shows why), `clear` before the next try */
export function useRefusal() {
  const { message } = App.useApp();
  const [refusal, setRefusal] = useState<Refusal>();
  return {
    refusal,
    fail: (err: unknown) =>
      err instanceof ApiError
        ? setRefusal({ title: err.title, errors: err.errors })
        : void message.error('操作失败'),
    clear: () => setRefusal(undefined),
  };
}

export function RefusalAlert({ refusal, onClose }: { refusal?: Refusal; onClose: () => void }) {
  if (!refusal) return null;
  return (
    <Alert
      style={{ marginBottom: 12 }}
      type="error"
      showIcon
      message={refusal.title}
      description={refusal.errors.map((e) => (
        <div key={e.path + e.message}>{e.message}</div>
      ))}
      closable
      onClose={onClose}
    />
  );
}
