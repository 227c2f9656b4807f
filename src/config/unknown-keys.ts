import * as t from 'io-ts';
import { didYouMean } from '../domain/did-you-mean.js';
import { type ConfigIssue, joinPath } from './config-issue.js';

type Props = Record<string, t.Mixed>;

function propsOf(codec: t.Mixed): Props | undefined {
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return codec.props as Props;
  if (codec instanceof t.ExactType || codec instanceof t.ReadonlyType || codec instanceof t.RefinementType) {
    return propsOf(codec.type as t.Mixed);
  }
  // A union's object members (a symbol string or a symbol object): their keys are the known ones.
  if (codec instanceof t.IntersectionType || codec instanceof t.UnionType) {
    const merged: Props = {};
    let any = false;
    for (const member of codec.types as t.Mixed[]) {
      const props = propsOf(member);
      if (props) any = true;
      Object.assign(merged, props ?? {});
    }
    return any ? merged : undefined;
  }
  return undefined;
}

function elementOf(codec: t.Mixed): t.Mixed | undefined {
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) return codec.type as t.Mixed;
  return undefined;
}

/**
 * Finds keys the codec does not know, with a did-you-mean hint.
 * (`t.exact` would strip them silently, which hides typos like `tresholds`.)
 */
export function findUnknownKeys(codec: t.Mixed, value: unknown, path = ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (Array.isArray(value)) {
    const element = elementOf(codec);
    if (element) value.forEach((item, i) => issues.push(...findUnknownKeys(element, item, joinPath(path, i))));
    return issues;
  }
  const props = propsOf(codec);
  if (!props || value === null || typeof value !== 'object') return issues;
  const known = Object.keys(props);
  for (const [key, child] of Object.entries(value)) {
    const childCodec = props[key];
    if (childCodec) {
      issues.push(...findUnknownKeys(childCodec, child, joinPath(path, key)));
      continue;
    }
    const hint = didYouMean(key, known);
    const suggestion = hint ? ` (did you mean "${hint}"?)` : ` (known keys: ${known.join(', ')})`;
    issues.push({ path: joinPath(path, key), message: `unknown key${suggestion}` });
  }
  return issues;
}
