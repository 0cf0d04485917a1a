import { describe, expect, it } from 'vitest';
import { checkDefinitionRules, DEFINITION_RULES, InvalidDefinitionError, type RuleId } from '../../infra/definition/rules.js';
import { placeholdersIn, readDefinition, substitute } from '../../infra/workflow-definition.js';
import { LocalWorkflow } from '../../local/twin/workflow-engine.js';

// biome-ignore lint/suspicious/noExplicitAny: a copy of the definition's JSON, broken by path in each case below.
type Obj = Record<string, any>;
const real = (): Obj => JSON.parse(readDefinition()) as Obj;
const slice = (d: Obj): Obj => d.States['Send notices'].ItemProcessor.States;
const LONG_NAME = `Page response team: ${'x'.repeat(61)}`;

/** One violation each, made on a copy of the committed definition: [what, rule, state it names, break it]. */
const BROKEN: [string, RuleId, string, (d: Obj) => void][] = [
  [
    'TimeoutSecondsPath read from $$ (as the definition had it)',
    'path-from-state-input',
    'Wait for approval',
    (d) => {
      d.States['Wait for approval'].TimeoutSecondsPath = '$$.Execution.Input.settings.approvalTimeoutSeconds';
    },
  ],
  [
    'HeartbeatSecondsPath read from $$',
    'path-from-state-input',
    'Wait for scope decision',
    (d) => {
      d.States['Wait for scope decision'].HeartbeatSecondsPath = '$$.Execution.Input.settings.teamReminderSeconds';
    },
  ],
  [
    'ResultPath into the context object',
    'path-from-state-input',
    'Assess impact',
    (d) => {
      d.States['Assess impact'].ResultPath = '$$.impact';
    },
  ],
  [
    "a catcher's ResultPath into the context object",
    'path-from-state-input',
    'Draft first notice',
    (d) => {
      d.States['Draft first notice'].Catch[0].ResultPath = '$$.error';
    },
  ],
  [
    'Wait SecondsPath read from $$',
    'path-from-state-input',
    'Wait to resume sending notices',
    (d) => {
      d.States['Wait to resume sending notices'].SecondsPath = '$$.Execution.Input.settings.teamReminderSeconds';
    },
  ],
  [
    'MaxConcurrencyPath read from $$',
    'path-from-state-input',
    'Send notices',
    (d) => {
      d.States['Send notices'].MaxConcurrencyPath = '$$.Execution.Input.concurrency';
    },
  ],
  [
    'ResultPath with a wildcard',
    'reference-path',
    'Assess impact',
    (d) => {
      d.States['Assess impact'].ResultPath = '$.impact[*]';
    },
  ],
  [
    'ItemsPath with a deep scan',
    'reference-path',
    'Send notices',
    (d) => {
      d.States['Send notices'].ItemsPath = '$..slices';
    },
  ],
  [
    'an approval wait without a timeout',
    'callback-timeout',
    'Wait for approval',
    (d) => {
      delete d.States['Wait for approval'].TimeoutSecondsPath;
    },
  ],
  [
    'States.ALL caught before another catcher',
    'states-all-last',
    'Wait for approval',
    (d) => {
      d.States['Wait for approval'].Catch.reverse();
    },
  ],
  [
    'States.ALL retried beside another error',
    'states-all-last',
    'Assess impact',
    (d) => {
      d.States['Assess impact'].Retry.at(-1).ErrorEquals.push('States.ALL');
    },
  ],
  [
    'Next to a state that does not exist',
    'transition-target',
    'Assess impact',
    (d) => {
      d.States['Assess impact'].Next = 'Assess impact again';
    },
  ],
  [
    "a Choice's Default to nowhere",
    'transition-target',
    'Is the scope known?',
    (d) => {
      d.States['Is the scope known?'].Default = 'Start regulator clock';
    },
  ],
  [
    'a slice state going to a state outside its Map',
    'transition-target',
    'Send notices: next chunks',
    (d) => {
      slice(d)['Send notices: next chunks'].Next = 'Assess impact';
    },
  ],
  [
    'a Parameters path that is not a path',
    'payload-template-path',
    'Assess impact',
    (d) => {
      d.States['Assess impact'].Parameters.Payload['incidentId.$'] = 'incidentId';
    },
  ],
  [
    'a ResultSelector path that is a number',
    'payload-template-path',
    'Draft first notice',
    (d) => {
      d.States['Draft first notice'].ResultSelector['noticeId.$'] = 7;
    },
  ],
  [
    'a heartbeat as long as the timeout',
    'heartbeat-below-timeout',
    'Assess impact',
    (d) => {
      Object.assign(d.States['Assess impact'], { TimeoutSeconds: 300, HeartbeatSeconds: 300 });
    },
  ],
  [
    'a state name of 81 characters',
    'state-name-length',
    LONG_NAME,
    (d) => {
      d.States[LONG_NAME] = d.States['Page response team: incident page not published'];
      delete d.States['Page response team: incident page not published'];
      d.States['Publish incident page'].Catch.at(-1).Next = LONG_NAME;
    },
  ],
  [
    'a slice state named like a top-level state',
    'unique-state-names',
    'Send final report',
    (d) => {
      slice(d)['Send final report'] = slice(d)['Send notices: slice done'];
      delete slice(d)['Send notices: slice done'];
      slice(d)['Send notices: slice sent?'].Choices[0].Next = 'Send final report';
    },
  ],
];

describe('definition rules (infra/definition/rules.ts): what Step Functions refuses and the engine accepts', () => {
  it('the committed definition breaks none', () => {
    // Act
    const violations = checkDefinitionRules(real());
    // Assess
    expect(violations).toEqual([]);
  });

  it.each(BROKEN)('refuses %s (%s)', (_what, rule, state, breakIt) => {
    // Prepare
    const broken = real();
    breakIt(broken);
    // Act
    const violations = checkDefinitionRules(broken);
    // Assess
    expect(violations).toContainEqual(expect.objectContaining({ state, rule }));
  });

  it('every rule has a case above and cites a document', () => {
    expect(new Set(BROKEN.map(([, rule]) => rule))).toEqual(new Set(Object.keys(DEFINITION_RULES)));
    for (const rule of Object.values(DEFINITION_RULES)) expect(rule.doc).toMatch(/^https:\/\//);
  });

  it('accepts $$ where AWS documents it: InputPath, OutputPath, ItemsPath, Parameters, ResultSelector, ItemSelector, Choice Variable', () => {
    // Prepare: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
    const d = real();
    Object.assign(d.States['Assess impact'], { InputPath: '$$.Execution.Input', OutputPath: '$$.Execution.Input' });
    d.States['Assess impact'].ResultSelector['scope.$'] = '$$.State.Name';
    d.States['Send notices'].ItemsPath = '$$.Execution.Input.slices';
    d.States['Is the scope known?'].Choices[0].Variable = '$$.Execution.Input.scope';
    d.States['Assess impact'].Parameters.Payload['id.$'] = "States.Format('{}', $$.Execution.Name)";
    // Act / Assess
    expect(checkDefinitionRules(d)).toEqual([]);
  });
});

describe("the twin's engine (local/twin/workflow-engine.ts) refuses what the rules refuse", () => {
  const substituted = (d: Obj) => {
    const text = JSON.stringify(d);
    return substitute(text, Object.fromEntries(placeholdersIn(text).map((p) => [p, `arn:aws:lambda:us-east-1:000000000000:function:${p}`])));
  };
  const engineWith = (d: Obj) =>
    new LocalWorkflow({ definition: substituted(d), stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:rules', handlers: new Map() });

  it('starts with the committed definition', () => {
    expect(() => engineWith(real())).not.toThrow();
  });

  it('refuses to start with a TimeoutSecondsPath read from $$, naming the state and the rule', () => {
    // Prepare
    const broken = real();
    broken.States['Escalate to backup approvers'].TimeoutSecondsPath = '$$.Execution.Input.settings.escalationTimeoutSeconds';
    // Act
    const attempt = () => engineWith(broken);
    // Assess
    expect(attempt).toThrow(InvalidDefinitionError);
    expect(attempt).toThrow("state 'Escalate to backup approvers': path-from-state-input");
  });

  it('refuses a callback task that would wait a year', () => {
    const broken = real();
    delete broken.States['Wait until next update'].TimeoutSecondsPath;
    expect(() => engineWith(broken)).toThrow("state 'Wait until next update': callback-timeout");
  });
});
