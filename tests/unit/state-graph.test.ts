import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFINITION_PATH } from '../../infra/workflow-definition.js';
import { renderStateGraph } from '../../local/console/state-graph.js';

describe('the console state graph', () => {
  const definition = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8'));

  it('draws every state of the definition and an edge for every transition, catches dashed', () => {
    const svg = renderStateGraph(definition, { visited: new Set() });
    const states = Object.keys(definition.States);
    expect(svg.match(/<g class="state /g)).toHaveLength(states.length);
    for (const name of states) expect(svg).toContain(`data-state="${name.replaceAll('"', '&quot;')}"`);
    const transitions = Object.values(definition.States as Record<string, { Next?: string; Default?: string; Choices?: unknown[]; Catch?: unknown[] }>).reduce(
      (n, s) => n + (s.Next ? 1 : 0) + (s.Default ? 1 : 0) + (s.Choices?.length ?? 0) + (s.Catch?.length ?? 0),
      0,
    );
    expect(svg.match(/<polyline /g)).toHaveLength(transitions);
    expect(svg).toContain('class="edge catch"');
  });

  it('marks visited, failed and current states', () => {
    const svg = renderStateGraph(definition, {
      visited: new Set(['Assess impact', 'Wait for approval']),
      failed: new Set(['Send notices']),
      current: 'Wait for approval',
    });
    expect(svg).toMatch(/<g class="state task visited" data-state="Assess impact">/);
    expect(svg).toMatch(/<g class="state task visited current" data-state="Wait for approval">/);
    expect(svg).toMatch(/<g class="state map failed" data-state="Send notices">/);
    expect(svg).toMatch(/<g class="state choice" data-state="Is the scope known\?">/);
  });
});
