import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFINITION_PATH } from '../../infra/workflow-definition.js';
import { RECENT_STATES, renderPathGraph, renderStateGraph } from '../../local/console/state-graph.js';

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

describe('the console path graph', () => {
  const definition = JSON.parse(readFileSync(DEFINITION_PATH, 'utf8'));
  const statesOf = (svg: string) => [...svg.matchAll(/data-state="([^"]+)"/g)].map((m) => m[1]);

  it('draws the last states entered, the earlier ones folded into one node, and where the current one may go next', () => {
    // Prepare: a run that went round the sending loop twice and now waits for an update's approval
    const entered = [
      'Start counting update cycles',
      'Continued from an earlier execution?',
      'Assess impact',
      'Page response team',
      'Is the scope known?',
      'Start regulator clocks',
      'Draft first notice',
      'First notice needed?',
      'Wait for approval',
      'Prepare to send notices',
      'Send notices',
      'Confirm notices sent',
      'All notices sent?',
      'Send notices',
      'Confirm notices sent',
      'All notices sent?',
      'Publish incident page',
      'Count update cycles',
      'Continue in a new execution?',
      'Plan next update',
      'Wait until next update',
    ];
    // Act
    const svg = renderPathGraph(definition, { entered, current: 'Wait until next update' });
    // Assess
    const distinct = new Set(entered).size;
    expect(svg).toContain(`${distinct - RECENT_STATES} earlier states`);
    const drawn = statesOf(svg);
    expect(drawn.slice(0, RECENT_STATES)).toEqual([
      'All notices sent?',
      'Publish incident page',
      'Count update cycles',
      'Continue in a new execution?',
      'Plan next update',
      'Wait until next update',
    ]);
    expect(svg).toMatch(/<g class="state task visited current" data-state="Wait until next update">/);
    // Ahead: what "Wait until next update" goes to, drawn apart from the path
    const next = definition.States['Wait until next update'].Next;
    expect(svg).toMatch(new RegExp(`<g class="state [a-z]+ ahead" data-state="${next}">`));
    expect(svg.match(/class="edge next"/g)).toHaveLength(RECENT_STATES); // five taken + the fold's
  });

  it('joins only transitions actually taken, a loop once', () => {
    const svg = renderPathGraph(definition, {
      entered: ['Send notices', 'Confirm notices sent', 'All notices sent?', 'Send notices', 'Confirm notices sent', 'All notices sent?'],
      current: 'All notices sent?',
    });
    expect(svg).not.toContain('earlier state');
    // Send → Confirm, Confirm → All?, All? → Send: three edges however often the loop ran
    expect(svg.match(/class="edge next"/g)).toHaveLength(3);
  });

  it('ignores states not at the top level (a Map iteration entered inside Send notices)', () => {
    const svg = renderPathGraph(definition, { entered: ['Send notices', 'Send one slice', 'Confirm notices sent'] });
    expect(statesOf(svg)).toEqual(['Send notices', 'Confirm notices sent']);
  });
});
