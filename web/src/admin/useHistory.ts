/** Undo / redo for a designer's document: every change pushes a snapshot. */
import { useCallback, useState } from 'react';

export function useHistory<T>(initial: T) {
  const [state, setState] = useState({ past: [] as T[], present: initial, future: [] as T[] });
  const set = useCallback((next: T | ((cur: T) => T)) => {
    setState((s) => {
      const value = typeof next === 'function' ? (next as (c: T) => T)(s.present) : next;
      return { past: [...s.past.slice(-99), s.present], present: value, future: [] };
    });
  }, []);
  const reset = useCallback((value: T) => setState({ past: [], present: value, future: [] }), []);
  const undo = useCallback(
    () =>
      setState((s) =>
        s.past.length
          ? { past: s.past.slice(0, -1), present: s.past.at(-1)!, future: [s.present, ...s.future] }
          : s,
      ),
    [],
  );
  const redo = useCallback(
    () =>
      setState((s) =>
        s.future.length
          ? { past: [...s.past, s.present], present: s.future[0], future: s.future.slice(1) }
          : s,
      ),
    [],
  );
  return {
    value: state.present,
    set,
    reset,
    undo,
    redo,
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
  };
}
