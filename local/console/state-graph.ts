import { graphlib, layout } from '@dagrejs/dagre';
import { escapeHtml } from '../../functions/domain/preview.js';

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string; ErrorEquals: string[] }[];
}

export interface GraphMarks {
  visited: Set<string>;
  current?: string;
  failed?: Set<string>;
}

const NODE_HEIGHT = 34;
const CHAR_WIDTH = 7.2;

/**
 * The state machine as an SVG diagram, laid out by dagre from the definition itself: solid edges
 * for Next/Choices/Default, dashed for Catch. Visited states, the current one and failed ones are
 * marked by CSS class, so the page can style them.
 */
export function renderStateGraph(definition: { StartAt: string; States: Record<string, AslState> }, marks: GraphMarks): string {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const [name, state] of Object.entries(definition.States)) {
    g.setNode(name, { label: name, width: Math.max(90, name.length * CHAR_WIDTH + 24), height: NODE_HEIGHT, shape: state.Type });
  }
  const edge = (from: string, to: string | undefined, kind: 'next' | 'catch', n: number) => {
    if (to && definition.States[to]) g.setEdge(from, to, { kind }, `${kind}-${n}`);
  };
  for (const [name, state] of Object.entries(definition.States)) {
    edge(name, state.Next, 'next', 0);
    edge(name, state.Default, 'next', 1);
    for (const [i, c] of (state.Choices ?? []).entries()) edge(name, c.Next, 'next', i + 2);
    for (const [i, c] of (state.Catch ?? []).entries()) edge(name, c.Next, 'catch', i);
  }
  layout(g);
  const { width = 0, height = 0 } = g.graph();
  const edges = g.edges().map((e: { v: string; w: string; name?: string }) => {
    const data = g.edge(e) as { points: { x: number; y: number }[]; kind: string };
    const points = data.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    return `<polyline class="edge ${data.kind}" points="${points}" marker-end="url(#arrow)"/>`;
  });
  const nodes = g.nodes().map((name: string) => {
    const n = g.node(name) as { x: number; y: number; width: number; height: number; shape: string };
    const cls = ['state', n.shape.toLowerCase()];
    if (marks.visited.has(name)) cls.push('visited');
    if (marks.failed?.has(name)) cls.push('failed');
    if (marks.current === name) cls.push('current');
    const rx = n.shape === 'Choice' ? 16 : 4;
    return (
      `<g class="${cls.join(' ')}" data-state="${escapeHtml(name)}"><title>${escapeHtml(`${name} (${n.shape})`)}</title>` +
      `<rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height}" rx="${rx}"/>` +
      `<text x="${n.x.toFixed(1)}" y="${(n.y + 4).toFixed(1)}" text-anchor="middle">${escapeHtml(name)}</text></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="state-graph" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" role="img" aria-label="State machine">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>` +
    edges.join('') +
    nodes.join('') +
    '</svg>'
  );
}
