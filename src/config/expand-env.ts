import { type ConfigIssue, joinPath } from './config-issue.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Result of {@link expandEnv}: the expanded value and any unset variables. */
export interface Expanded {
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];
}

/**
 * Replaces `${NAME}` in every string value with the variable from `env`,
 * so secrets stay out of the file. An unset variable is an issue naming the key.
 */
export function expandEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path = ''): Expanded {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(REFERENCE, (whole, name: string) => {
        const replacement = env[name];
        if (replacement === undefined) {
          issues.push({ path: at, message: `environment variable ${name} is not set (referenced as ${whole})` });
          return whole;
        }
        return replacement;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, joinPath(at, i)));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, joinPath(at, key))]));
    }
    return node;
  };
  return { value: walk(value, path), issues };
}
