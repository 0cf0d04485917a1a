import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSpec, specFromStack, specInputs, specKey } from '../../local/twin/from-stack.js';
import { synthesizeStack } from '../../local/twin/synth-stack.js';
import { DEMO_CONFIG } from '../../local/twin/twin.js';

// The twin reads its tables, templates and rules from a spec cached under a hash of what synthesis
// reads: these tests show an edit to any of it changes the hash, and a cached spec is a synthesized one.
const copy = mkdtempSync(join(tmpdir(), 'breach-notice-spec-inputs-'));
for (const dir of ['infra', 'functions', 'statemachines', 'local']) cpSync(dir, join(copy, dir), { recursive: true });
cpSync('package-lock.json', join(copy, 'package-lock.json'));
const keyOfCopy = (config = DEMO_CONFIG) => specKey(specInputs(copy), config);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('the cached stack spec', () => {
  it('hashes infra/, the templates and their locales, the definition, the CDK versions and every module the stack imports', () => {
    const inputs = Object.keys(specInputs());
    expect(inputs).toEqual(
      expect.arrayContaining([
        'infra/stack.ts',
        'infra/tables.ts',
        'infra/app.ts',
        'infra/constructs/notification-channels.ts',
        'functions/domain/email-templates.ts',
        'functions/domain/locales/en.ts',
        'functions/domain/locales/zh-CN.ts',
        'statemachines/incident-response.asl.json',
        'local/twin/synth-stack.ts',
        'package-lock.json:aws-cdk-lib',
        'package-lock.json:constructs',
      ]),
    );
    // Reached only through imports: infra/config.ts reads the notice rules, infra/functions.ts the environment names.
    expect(inputs).toEqual(expect.arrayContaining(['functions/domain/notice.ts', 'functions/shared/environment.ts']));
  });

  it('changes its key with any input or setting, and only then', () => {
    // Prepare
    const before = keyOfCopy();
    const edits = [
      'infra/tables.ts',
      'infra/constructs/data-tables.ts',
      'statemachines/incident-response.asl.json',
      'functions/domain/email-templates.ts',
      'functions/domain/locales/zh-CN.ts',
      'functions/domain/notice.ts',
    ];
    for (const file of edits) {
      const original = readFileSync(join(copy, file));
      // Act
      appendFileSync(join(copy, file), '\n');
      // Assess
      expect(keyOfCopy(), file).not.toBe(before);
      writeFileSync(join(copy, file), original);
      expect(keyOfCopy(), `${file} restored`).toBe(before);
    }
    writeFileSync(join(copy, 'infra/constructs/new-construct.ts'), 'export {};\n');
    expect(keyOfCopy(), 'a new file under infra/').not.toBe(before);
    rmSync(join(copy, 'infra/constructs/new-construct.ts'));

    const lock = readFileSync(join(copy, 'package-lock.json'), 'utf8');
    const lockJson = JSON.parse(lock) as { packages: Record<string, { version: string }> };
    lockJson.packages['node_modules/aws-cdk-lib']!.version = '2.999.0';
    writeFileSync(join(copy, 'package-lock.json'), JSON.stringify(lockJson));
    expect(keyOfCopy(), 'another aws-cdk-lib').not.toBe(before);
    writeFileSync(join(copy, 'package-lock.json'), lock);

    expect(keyOfCopy({ ...DEMO_CONFIG, guardDutySeverityThreshold: 5 }), 'a setting').not.toBe(before);
    expect(keyOfCopy({ ...DEMO_CONFIG, locales: ['en'] }), 'the locales').not.toBe(before);
    // A module synthesis never loads leaves the key alone.
    appendFileSync(join(copy, 'local/bench/bench.ts'), '\n');
    expect(keyOfCopy(), 'local/bench/bench.ts').toBe(before);
  });

  it('is, for the default settings, what a fresh synthesis gives', () => {
    // Prepare: the spec the twin starts from, read back from the cache (written first if it was not there).
    const cached = specFromStack(DEMO_CONFIG);
    // Act
    const fresh = readSpec(synthesizeStack(DEMO_CONFIG));
    // Assess
    expect(cached).toStrictEqual(JSON.parse(JSON.stringify(fresh)));
  }, 180_000);
});
