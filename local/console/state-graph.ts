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

/** States of the path drawn in full, the current one included; earlier ones fold into one node. */
export const RECENT_STATES = 6;

export interface PathMarks {
  /** Top-level states in the order the execution entered them (repeats included). */
  entered: string[];
  current?: string;
  failed?: Set<string>;
}

/**
 * The path an execution took, readable at the console's own text size: its last `RECENT_STATES`
 * distinct states in the order last entered, joined by the transitions actually taken, the earlier
 * ones folded into a single "N earlier states" node, and the states the current one may go to next
 * (dotted). Small enough that the current state shows without scrolling; the whole definition is
 * drawn apart (renderStateGraph), folded on the page.
 */
export function renderPathGraph(definition: { States: Record<string, AslState> }, marks: PathMarks): string {
  const entered = marks.entered.filter((name) => definition.States[name]);
  const lastEntry = new Map(entered.map((name, i) => [name, i]));
  const order = [...lastEntry.keys()].sort((a, b) => lastEntry.get(a)! - lastEntry.get(b)!);
  const shown = order.slice(-RECENT_STATES);
  const folded = order.length - shown.length;
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 20, ranksep: 26, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const node = (id: string, label: string, cls: string[]) =>
    g.setNode(id, { label, cls, width: Math.max(90, label.length * CHAR_WIDTH + 24), height: NODE_HEIGHT });
  for (const name of shown) {
    const cls = ['state', definition.States[name]!.Type.toLowerCase(), 'visited'];
    if (marks.failed?.has(name)) cls.push('failed');
    if (marks.current === name) cls.push('current');
    node(name, name, cls);
  }
  const FOLD = '\u0000folded';
  if (folded > 0) {
    node(FOLD, `${folded} earlier state${folded === 1 ? '' : 's'}`, ['state', 'folded']);
    g.setEdge(FOLD, shown[0]!, { kind: 'next' }, 'fold');
  }
  const inView = new Set(shown);
  for (const [i, to] of entered.entries()) {
    const from = entered[i - 1];
    if (from && from !== to && inView.has(from) && inView.has(to)) g.setEdge(from, to, { kind: 'next' }, 'taken');
  }
  const current = marks.current ? definition.States[marks.current] : undefined;
  if (marks.current && current) {
    const ahead = [current.Next, current.Default, ...(current.Choices ?? []).map((c) => c.Next)].filter((n): n is string => !!n && !!definition.States[n]);
    for (const [i, next] of [...new Set(ahead)].entries()) {
      if (!inView.has(next)) node(next, next, ['state', definition.States[next]!.Type.toLowerCase(), 'ahead']);
      g.setEdge(marks.current, next, { kind: 'ahead' }, `ahead-${i}`);
    }
  }
  layout(g);
  const { width = 0, height = 0 } = g.graph();
  const edges = g.edges().map((e: { v: string; w: string; name?: string }) => {
    const data = g.edge(e) as { points: { x: number; y: number }[]; kind: string };
    const points = data.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    return `<polyline class="edge ${data.kind}" points="${points}" marker-end="url(#path-arrow)"/>`;
  });
  const nodes = g.nodes().map((id: string) => {
    const n = g.node(id) as { x: number; y: number; width: number; height: number; label: string; cls: string[] };
    return (
      `<g class="${n.cls.join(' ')}"${id === FOLD ? '' : ` data-state="${escapeHtml(id)}"`}>` +
      `<rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height}" rx="4"/>` +
      `<text x="${n.x.toFixed(1)}" y="${(n.y + 4).toFixed(1)}" text-anchor="middle">${escapeHtml(n.label)}</text></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="path-graph" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" role="img" aria-label="Path taken">` +
    `<defs><marker id="path-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>` +
    edges.join('') +
    nodes.join('') +
    '</svg>'
  );
}
