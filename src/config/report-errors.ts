import * as t from 'io-ts';
import { type ConfigIssue, joinPath } from './config-issue.js';
import { EXPECTATIONS, UNQUOTED_TYPES } from './codecs.js';

/** Describes a received value briefly: `"five"`, `null`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function pathOf(context: t.Context): string {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]!.type;
    const entry = context[i]!;
    // Intersections and unions add their member index to the context; it is not a key the user wrote.
    if (parent instanceof t.IntersectionType || parent instanceof t.UnionType) continue;
    const isIndex = parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType || parent instanceof t.TupleType;
    path = joinPath(path, isIndex ? Number(entry.key) : entry.key);
  }
  return path;
}

/**
 * io-ts's own reporter prints the whole codec per error; users need one dotted
 * path and one expectation per error, e.g.
 * `alerts.thresholds.pct_24h: expected a number, got "five"`.
 */
export function reportErrors(errors: t.Errors): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const error of errors) {
    const path = pathOf(error.context);
    if (seen.has(path)) continue;
    seen.add(path);
    const leaf = error.context[error.context.length - 1]!;
    if (error.message) {
      issues.push({ path, message: error.message });
    } else if (leaf.actual === undefined) {
      issues.push({ path, message: 'is required' });
    } else {
      const expected = EXPECTATIONS[leaf.type.name] ?? leaf.type.name;
      // A channel URL or token is not echoed: the error line may end up in a log or a ticket.
      const got = UNQUOTED_TYPES.has(leaf.type.name) ? '' : `, got ${describeValue(leaf.actual)}`;
      issues.push({ path, message: `expected ${expected}${got}` });
    }
  }
  return issues;
}
