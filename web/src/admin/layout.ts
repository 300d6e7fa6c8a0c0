/**
 * 自动布局 the steps of a definition top-down with dagre: ranks by distance
 * from the start, edges routed between the nodes (dagre's points, so an edge
 * does not run through a step), edge labels placed where they do not overlap.
 * Return loops are laid like any edge (dagre breaks cycles for ranking).
 */
import dagre from '@dagrejs/dagre';
import { transitions, type ProcessDefinition } from '../../../workflows/definition';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 92;

export interface Point {
  x: number;
  y: number;
}

export interface Layout {
  /** top-left corner of each step's box */
  nodes: Record<string, Point>;
  /** the route of each edge (`${source}:${path}`), from the source's border to the target's, and its label's centre */
  edges: Record<string, { points: Point[]; label?: Point }>;
  width: number;
  height: number;
}

export const edgeId = (source: string, path: string) => `${source}:${path}`;

export function layout(
  def: ProcessDefinition,
  labelOf: (stepId: string, path: string) => string | undefined = () => undefined,
  heightOf: (stepId: string) => number = () => NODE_HEIGHT,
): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 70, edgesep: 24, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(def.steps.map((s) => s.id));
  for (const s of def.steps) g.setNode(s.id, { width: NODE_WIDTH, height: heightOf(s.id) });
  for (const s of def.steps) {
    for (const t of transitions(s)) {
      if (!ids.has(t.target) || t.target === s.id) continue;
      const text = labelOf(s.id, t.path);
      g.setEdge(
        s.id,
        t.target,
        text
          ? {
              width: text.length * 13 + 12,
              height: 20,
              labelpos: 'c',
              weight: t.path.includes('return') ? 0 : 1,
            }
          : { weight: t.path.includes('return') ? 0 : 1 },
        edgeId(s.id, t.path),
      );
    }
  }
  dagre.layout(g);
  const nodes: Layout['nodes'] = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    nodes[id] = { x: n.x - NODE_WIDTH / 2, y: n.y - n.height / 2 };
  }
  const edges: Layout['edges'] = {};
  for (const e of g.edges()) {
    const l = g.edge(e);
    if (!e.name) continue;
    edges[e.name] = {
      points: (l.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })),
      label: l.x !== undefined && l.y !== undefined ? { x: l.x, y: l.y } : undefined,
    };
  }
  const graph = g.graph();
  return { nodes, edges, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** How many lines a text takes in a box of the given width (CJK a full em, Latin about 0.6 em). */
export function linesOf(text: string, fontSize: number, width: number): number {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\uFFEF]/.test(ch) ? fontSize : fontSize * 0.6;
  return Math.max(1, Math.ceil(w / width));
}

/** A smooth SVG path through dagre's points (quadratic curves through the midpoints). */
export function routePath(points: Point[]): string {
  if (points.length < 2) return '';
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    d += ` Q ${points[i].x} ${points[i].y} ${mid.x} ${mid.y}`;
  }
  const last = points[points.length - 1];
  return `${d} L ${last.x} ${last.y}`;
}
