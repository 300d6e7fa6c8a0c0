/** Lay out the steps of a definition left to right by distance from the start. */
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
  const pos: Record<string, { x: number; y: number }> = {};
  for (const s of def.steps) {
    const d = depth.get(s.id)!;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    pos[s.id] = { x: d * 230, y: r * 120 };
  }
  return pos;
}
