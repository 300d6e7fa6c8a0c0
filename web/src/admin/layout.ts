/**
 * Lay out the steps of a definition left to right by distance from the start,
 * wrapping into bands of COLUMNS so a long chain (30+ steps) stays readable
 * instead of shrinking into one thin line.
 */
import { transitions, type ProcessDefinition } from '../../../workflows/definition';

export function layout(def: ProcessDefinition): Record<string, { x: number; y: number }> {
  const depth = new Map<string, number>([[def.start, 0]]);
  const queue = [def.start];
  while (queue.length) {
    const id = queue.shift()!;
    const step = def.steps.find((s) => s.id === id);
    if (!step) continue;
    for (const t of transitions(step)) {
      if (t.target === '$join' || depth.has(t.target)) continue;
      depth.set(t.target, depth.get(id)! + 1);
      queue.push(t.target);
    }
  }
  let maxDepth = Math.max(0, ...depth.values());
  for (const s of def.steps) if (!depth.has(s.id)) depth.set(s.id, ++maxDepth);
  const rows = new Map<number, number>();
  const place = new Map<string, { d: number; r: number }>();
  for (const s of def.steps) {
    const d = depth.get(s.id)!;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    place.set(s.id, { d, r });
  }
  // each band is as tall as its tallest column
  const bandRows = new Map<number, number>();
  for (const [d, n] of rows)
    bandRows.set(Math.floor(d / COLUMNS), Math.max(bandRows.get(Math.floor(d / COLUMNS)) ?? 0, n));
  const bandTop = new Map<number, number>();
  let top = 0;
  for (const b of [...bandRows.keys()].sort((a, c) => a - c)) {
    bandTop.set(b, top);
    top += bandRows.get(b)! * ROW + BAND_GAP;
  }
  const pos: Record<string, { x: number; y: number }> = {};
  for (const [id, { d, r }] of place)
    pos[id] = { x: (d % COLUMNS) * COLUMN, y: bandTop.get(Math.floor(d / COLUMNS))! + r * ROW };
  return pos;
}

const COLUMNS = 6;
const COLUMN = 230;
const ROW = 120;
const BAND_GAP = 70;
