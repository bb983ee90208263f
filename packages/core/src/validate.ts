import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { PantauError } from './errors';

/** One ajv instance: schemas compile once and are reused by every consumer and route. */
export const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
addFormats(ajv);

export interface FieldProblem {
  path: string;
  message: string;
}

export function describeAjvErrors(errors: ErrorObject[] | null | undefined): FieldProblem[] {
  return (errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message:
      e.keyword === 'required'
        ? `missing required property '${(e.params as { missingProperty: string }).missingProperty}'`
        : (e.message ?? e.keyword),
  }));
}

export interface Validator<T> {
  (value: unknown): T;
  check(value: unknown): { ok: true; value: T } | { ok: false; problems: FieldProblem[] };
}

/** Compiles a schema into a function that returns the typed value or throws a VALIDATION error. */
export function createValidator<S extends TSchema>(schema: S, name = 'value'): Validator<Static<S>> {
  const compiled: ValidateFunction = ajv.compile(schema);
  const check = (value: unknown) =>
    compiled(value)
      ? ({ ok: true, value: value as Static<S> } as const)
      : ({ ok: false, problems: describeAjvErrors(compiled.errors) } as const);
  const validate = ((value: unknown) => {
    const result = check(value);
    if (result.ok) return result.value;
    const summary = result.problems.map((p) => `${p.path} ${p.message}`).join('; ');
    throw new PantauError('VALIDATION', `invalid ${name}: ${summary}`, { details: result.problems });
  }) as Validator<Static<S>>;
  validate.check = check;
  return validate;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns message bytes into a validated value: MALFORMED_JSON (not UTF-8, not JSON) or VALIDATION
 * errors otherwise. Invalid UTF-8 is refused rather than turned into U+FFFD: a message whose text
 * would silently change goes to the dead-letter topic with the reason.
 */
export function createDecoder<S extends TSchema>(
  schema: S,
  name: string,
): (bytes: Buffer | string) => Static<S> {
  const validate = createValidator(schema, name);
  return (bytes) => {
    let text: string;
    try {
      text = typeof bytes === 'string' ? bytes : strictUtf8.decode(bytes);
    } catch (err) {
      throw new PantauError('MALFORMED_JSON', `${name} is not valid UTF-8`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new PantauError('MALFORMED_JSON', `${name} is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return validate(parsed);
  };
}
