import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ARCHITECTURE_DOC,
  DIAGRAM_END,
  DIAGRAM_START,
  readDefinitionFile,
  replaceDiagram,
  ruleText,
  stateDiagram,
  type Definition,
} from '../../local/docs/docs-diagram.js';

describe("docs/architecture.md's state diagram", () => {
  const definition = readDefinitionFile();

  it('is what the definition file gives today (regenerate: npx tsx local/docs/docs-diagram.ts)', () => {
    // Prepare
    const document = readFileSync(ARCHITECTURE_DOC, 'utf8');
    // Act
    const regenerated = replaceDiagram(document, stateDiagram(definition));
    // Assess
    expect(document.indexOf(DIAGRAM_START), 'the doc has the generated block').toBeGreaterThanOrEqual(0);
    expect(document).toBe(regenerated);
  });

  it('draws every top-level state and every transition, or names the catch-alls it leaves out', () => {
    // Act
    const diagram = stateDiagram(definition);
    // Assess
    const states = Object.entries(definition.States);
    for (const [name] of states) expect(diagram, name).toContain(`"${name}"`);
    const transitions = states.reduce((n, [, s]) => n + (s.Next ? 1 : 0) + (s.Default ? 1 : 0) + (s.Choices?.length ?? 0) + (s.Catch?.length ?? 0), 0);
    const flowchart = diagram.slice(diagram.indexOf('```mermaid'), diagram.lastIndexOf('```'));
    const drawn = flowchart.match(/ -(-|\.-)>/g)?.length ?? 0;
    const omitted = Number(/Not drawn: (\d+) states/.exec(diagram)?.[1] ?? 0);
    // The extra drawn edge is the one from the start marker.
    expect(drawn - 1 + omitted).toBe(transitions);
  });

  it('follows a change to the definition', () => {
    // Prepare
    const changed: Definition = structuredClone(definition);
    const first = changed.States[changed.StartAt]!;
    changed.States['A state added for the test'] = { Type: 'Pass', Next: first.Next };
    first.Next = 'A state added for the test';
    // Act
    const diagram = stateDiagram(changed);
    // Assess
    expect(diagram).not.toBe(stateDiagram(definition));
    expect(diagram).toContain('"A state added for the test"');
  });

  it('writes Choice rules in a few words', () => {
    expect(ruleText({ Variable: '$.team.closed', BooleanEquals: true, Next: 'x' })).toBe('$.team.closed');
    expect(ruleText({ Variable: '$.impact.scope', StringEquals: 'NONE', Next: 'x' })).toBe('$.impact.scope = NONE');
    expect(ruleText({ Variable: '$.cycles.count', NumericGreaterThanEqualsPath: '$.settings.n', Next: 'x' })).toBe('$.cycles.count ≥ $.settings.n');
    expect(ruleText({ Variable: '$.continuation', IsPresent: true, Next: 'x' })).toBe('$.continuation present');
    expect(ruleText({ And: [{ Variable: '$.a', BooleanEquals: false }, { Not: { Variable: '$.b', IsPresent: true } }], Next: 'x' })).toBe(
      'not $.a and not ($.b present)',
    );
  });

  it('refuses a document without the markers', () => {
    expect(() => replaceDiagram('# no diagram here\n', 'x')).toThrow(DIAGRAM_END);
  });
});
