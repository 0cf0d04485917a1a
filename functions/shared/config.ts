import * as z from 'zod';
import { defaultLocales, supportedLocales, type Locale } from '../domain/locales.js';
import { ConfigurationError } from './errors.js';

/**
 * Parses `env` with `schema` once, at module load, and fails fast with every bad key named.
 * Values are echoed for non-secret settings only; nothing secret lives in these variables.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}=${JSON.stringify(env[String(issue.path[0])] ?? null)}: ${issue.message}`;
    });
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

export const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

export const emailList = commaList.pipe(z.array(z.email()).min(1));

export const positiveInt = z.coerce.number().int().positive();

/** A JSON document in one variable, parsed, then checked by `schema`. */
export function jsonOf<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const locale = z.enum(supportedLocales);

/** The locale settings; every list of locales comes from the catalogue registry. */
export const localesEnv = z.object({
  LOCALES: commaList.pipe(z.array(locale).min(1)).default([...defaultLocales]),
  /** The final report's language, and the approval emails' for approvers APPROVER_LOCALES does not name. */
  REPORT_LOCALE: locale.default('en'),
  /** `email=locale` pairs: the language of each approver's email. */
  APPROVER_LOCALES: commaList
    .pipe(
      z.array(
        z
          .string()
          .transform((pair) => pair.split('='))
          .pipe(z.tuple([z.email(), locale])),
      ),
    )
    .transform((pairs): ReadonlyMap<string, Locale> => new Map(pairs))
    .default(new Map()),
});
