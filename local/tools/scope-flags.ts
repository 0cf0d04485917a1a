import { UsageError } from './facts-flags.js';

/** The request body `decideScope` validates; flags only gather it (ids file read by the caller). */
export interface ScopeFlags {
  basis: 'alarm' | 'all' | 'resources' | 'ids' | 'none';
  resources: string[];
  idsFile?: string;
  countries: string[];
  dataCategories: string[];
  mode: 'replace' | 'add' | 'remove';
  reason: string;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * `scope ID --all | --alarm | --resources A,B | --ids FILE | --none  [--country DE,FR] [--category email,...]
 * [--add | --remove] --reason TEXT`. A segment alone narrows the alarm's own scope.
 */
export function parseScopeFlags(args: string[]): ScopeFlags {
  const out: ScopeFlags = { basis: 'alarm', resources: [], countries: [], dataCategories: [], mode: 'replace', reason: '' };
  let bases = 0;
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i]!;
    const value = () => {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i += 1;
      return v;
    };
    if (flag === '--all' || flag === '--alarm' || flag === '--none') {
      out.basis = flag.slice(2) as ScopeFlags['basis'];
      bases += 1;
    } else if (flag === '--resources') {
      out.basis = 'resources';
      out.resources = list(value());
      bases += 1;
    } else if (flag === '--ids') {
      out.basis = 'ids';
      out.idsFile = value();
      bases += 1;
    } else if (flag === '--country') out.countries.push(...list(value()));
    else if (flag === '--category') out.dataCategories.push(...list(value()));
    else if (flag === '--add') out.mode = 'add';
    else if (flag === '--remove') out.mode = 'remove';
    else if (flag === '--reason') out.reason = value();
    else throw new UsageError(`unknown scope flag ${JSON.stringify(flag)}`);
  }
  if (bases > 1) throw new UsageError('give one of --all, --alarm, --resources, --ids, --none');
  if (!out.reason.trim()) throw new UsageError('--reason TEXT is required: it is on the timeline and in the final report');
  return out;
}

/** One id per line, or a CSV whose first column is the id (a `customer_id` header is skipped); blank lines and # comments ignored. */
export function parseIdList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(',')[0]!.trim().replace(/^"|"$/g, ''))
    .filter((id, i) => id !== '' && !id.startsWith('#') && !(i === 0 && /^customer_?id$/i.test(id)));
}
