import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ObligationNotFoundError, ObligationStateError, ReportVersionConflictError } from '../../functions/domain/obligations/errors.js';
import { clockText, obligationState } from '../../functions/domain/obligations/record.js';
import type { FactsStorePort, IncidentStorePort, ObligationStorePort } from '../../functions/domain/ports.js';
import { parseConfig } from '../../functions/shared/config.js';
import { pick } from '../../functions/shared/environment.js';
import {
  approveReport,
  markNotApplicable,
  readReport,
  recordFiling,
  recordMateriality,
  recordMoment,
  redraftReport,
  saveReportEdit,
  type RegulatorActionDeps,
} from '../../functions/steps/regulator-actions.js';
import { UsageError } from './facts-flags.js';

export const REGULATOR_USAGE = [
  '         | regulators INCIDENT_ID                  (obligations with deadline, time left and state; assistance, not legal advice)',
  '         | regulator-report INCIDENT_ID OBLIGATION_ID [--version N] [--edit FILE [--base N] | --redraft]',
  '         | regulator-approve INCIDENT_ID OBLIGATION_ID [--version N]',
  '         | regulator-filed INCIDENT_ID OBLIGATION_ID --ref REF [--at TIME] | regulator-na INCIDENT_ID OBLIGATION_ID --reason TEXT',
  '         | materiality INCIDENT_ID [--at TIME]      (records the materiality determination: starts the SEC clock)',
  '         | extortion-payment INCIDENT_ID [--at TIME] (records an extortion payment: starts the NYDFS 500.17(c) clocks)',
].join('\n');

export const REGULATOR_COMMANDS = new Set([
  'regulators',
  'regulator-report',
  'regulator-approve',
  'regulator-filed',
  'regulator-na',
  'materiality',
  'extortion-payment',
]);

const instant = z.iso.datetime({ offset: true });

/** `--name value` pairs; a flag not in `allowed`, or without a value, is a usage error. */
function flags(args: string[], allowed: string[], booleans: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const name = args[i]!;
    if (booleans.includes(name)) {
      out.set(name, 'true');
      continue;
    }
    if (!allowed.includes(name))
      throw new UsageError(`unexpected argument ${JSON.stringify(name)} (allowed: ${[...allowed, ...booleans].join(', ') || 'none'})`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    out.set(name, value);
    i += 1;
  }
  return out;
}

function time(value: string | undefined, now: Date): string {
  if (value === undefined) return now.toISOString();
  const parsed = instant.safeParse(value);
  if (!parsed.success) throw new UsageError(`--at takes an ISO 8601 time with its offset, e.g. 2026-11-20T14:30:00Z, not ${JSON.stringify(value)}`);
  return new Date(parsed.data).toISOString();
}

function version(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`a version is a whole number from 1, not ${JSON.stringify(value)}`);
  return n;
}

export interface RegulatorCommandContext {
  stores: {
    incidents: Pick<IncidentStorePort, 'getIncident' | 'appendTimeline'>;
    obligations: ObligationStorePort;
    facts: Pick<FactsStorePort, 'latestFacts'>;
  };
  operator: string;
  now: () => Date;
}

/**
 * `npm run incident -- regulators | regulator-report | regulator-approve | regulator-filed | regulator-na | materiality`:
 * the regulators' obligations of an incident, as OPERATOR. Each action is on the timeline with who did it.
 * Exits 1 on a refused action (unknown obligation, already filed, a newer report version).
 */
export async function runRegulatorCommand(command: string, incidentId: string, args: string[], ctx: RegulatorCommandContext): Promise<void> {
  const deps: RegulatorActionDeps = ctx.stores;
  const perIncident = command === 'regulators' || command === 'materiality' || command === 'extortion-payment';
  const obligationId = perIncident ? undefined : args[0];
  const rest = perIncident ? args : args.slice(1);
  if (!perIncident && (!obligationId || obligationId.startsWith('--')))
    throw new UsageError(`${command} needs an obligation id (npm run incident -- regulators ${incidentId})`);
  try {
    switch (command) {
      case 'regulators': {
        flags(rest, []);
        const now = ctx.now();
        const list = (await deps.obligations.listObligations(incidentId)).sort((a, b) => (a.deadline ?? '~').localeCompare(b.deadline ?? '~'));
        console.log(`${incidentId}: ${list.length} regulator obligation(s). Assistance, not legal advice: counsel decides what applies and what is filed.`);
        for (const o of list) {
          const { state, timeLeft } = obligationState(o, now);
          console.log(
            [
              o.obligationId.padEnd(24),
              (o.deadline ?? '-').padEnd(25),
              (timeLeft || '-').padEnd(14),
              state,
              `| ${o.law} -> ${o.recipient} | ${clockText(o.clock, o.startMoment)} | report v${o.reportVersion}${o.approval ? ` (v${o.approval.version} approved by ${o.approval.by})` : ''}`,
              ...(o.unconfirmed ? [`| ${o.unconfirmed}`] : []),
            ].join(' '),
          );
        }
        return;
      }
      case 'regulator-report': {
        const f = flags(rest, ['--version', '--edit', '--base'], ['--redraft']);
        if (f.has('--edit') && f.has('--redraft')) throw new UsageError('--edit and --redraft do not go together');
        if (f.has('--edit')) {
          let text: string;
          try {
            text = readFileSync(f.get('--edit')!, 'utf8');
          } catch (error) {
            throw new UsageError(`cannot read ${f.get('--edit')}: ${(error as Error).message}`);
          }
          const saved = await saveReportEdit(incidentId, obligationId!, text, ctx.operator, deps, version(f.get('--base')));
          console.log(
            `${obligationId} report of ${incidentId} saved as version ${saved.version} by ${ctx.operator}; approve it with: npm run incident -- regulator-approve ${incidentId} ${obligationId}`,
          );
          return;
        }
        if (f.has('--redraft')) {
          const { REPORT_LOCALE } = parseConfig(pick('REPORT_LOCALE'));
          const saved = await redraftReport(incidentId, obligationId!, ctx.operator, REPORT_LOCALE, deps);
          console.log(`${obligationId} report of ${incidentId} drafted again from what the incident knows now: version ${saved.version}`);
          return;
        }
        const report = await readReport(incidentId, obligationId!, deps, version(f.get('--version')));
        console.log(`# ${obligationId} report of ${incidentId}, version ${report.version} by ${report.author} at ${report.at}\n`);
        console.log(report.text);
        return;
      }
      case 'regulator-approve': {
        const f = flags(rest, ['--version']);
        const approved = await approveReport(incidentId, obligationId!, ctx.operator, deps, version(f.get('--version')));
        console.log(`version ${approved} of the ${obligationId} report of ${incidentId} approved by ${ctx.operator}`);
        return;
      }
      case 'regulator-filed': {
        const f = flags(rest, ['--ref', '--at']);
        const ref = f.get('--ref')?.trim();
        if (!ref) throw new UsageError("regulator-filed needs --ref REF (the authority's reference or receipt)");
        const at = time(f.get('--at'), ctx.now());
        const started = await recordFiling(incidentId, obligationId!, { at, ref, by: ctx.operator }, deps);
        const record = await deps.obligations.getObligation(incidentId, obligationId!);
        console.log(
          `${obligationId} of ${incidentId} recorded as filed at ${at} (ref ${ref}) by ${ctx.operator}: ${obligationState(record!, ctx.now()).state}`,
        );
        for (const s of started) console.log(`clock started: ${s.obligationId}, deadline ${s.deadline ?? 'none'}`);
        return;
      }
      case 'regulator-na': {
        const f = flags(rest, ['--reason']);
        const reason = f.get('--reason');
        if (!reason?.trim()) throw new UsageError('regulator-na needs --reason TEXT');
        await markNotApplicable(incidentId, obligationId!, ctx.operator, reason, deps);
        console.log(`${obligationId} of ${incidentId} marked not applicable by ${ctx.operator}: ${reason.trim()}`);
        return;
      }
      case 'materiality': {
        const f = flags(rest, ['--at']);
        const at = time(f.get('--at'), ctx.now());
        const started = await recordMateriality(incidentId, at, ctx.operator, deps);
        console.log(`materiality determination of ${incidentId} recorded at ${at} by ${ctx.operator}`);
        for (const s of started) console.log(`clock started: ${s.obligationId}, deadline ${s.deadline ?? 'none'}`);
        return;
      }
      case 'extortion-payment': {
        const f = flags(rest, ['--at']);
        const at = time(f.get('--at'), ctx.now());
        const started = await recordMoment(incidentId, 'extortion-payment', at, ctx.operator, deps);
        console.log(`extortion payment of ${incidentId} recorded at ${at} by ${ctx.operator}`);
        for (const s of started) console.log(`clock started: ${s.obligationId}, deadline ${s.deadline ?? 'none'}`);
        return;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof ObligationNotFoundError || error instanceof ObligationStateError || error instanceof ReportVersionConflictError) {
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
