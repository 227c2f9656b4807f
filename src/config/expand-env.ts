import { type ConfigIssue, joinPath } from './config-issue.js';

// A whole reference `${NAME}`, or (second alternative) a `${` that does not start one: `${HOST`, `${}`, `${1X}`.
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([A-Za-z0-9_]*)(\}?)/g;

/** Result of {@link expandEnv}: the expanded value and any unset variables. */
export interface Expanded {
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];
}

/**
 * Replaces `${NAME}` in every string value with the variable from `env`,
 * so secrets stay out of the file. An unset variable is an issue naming the
 * key, and so is a `${` that is not a whole reference (an unclosed `${PASS`
 * would otherwise become a literal password). Only the variable's name is
 * quoted, never the rest of the value. A variable's value is not expanded again.
 *
 * @example
 * expandEnv({ url: 'wss://${HOST}' }, { HOST: 'example.com' }).value; // { url: 'wss://example.com' }
 * expandEnv({ password: '${PASS' }, {}).issues;
 * // [{ path: 'password', message: 'unclosed ${PASS: write ${NAME} with a closing brace' }]
 */
export function expandEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path = ''): Expanded {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(REFERENCE, (whole, name: string | undefined, broken: string, closed: string) => {
        if (name === undefined) {
          let message: string;
          if (closed) message = `\${${broken}} is not a variable name (letters, digits and _, not starting with a digit)`;
          else if (broken) message = `unclosed \${${broken}: write \${NAME} with a closing brace`;
          else message = '"${" does not start a ${NAME} reference';
          issues.push({ path: at, message });
          return whole;
        }
        const replacement = env[name];
        if (replacement === undefined) {
          issues.push({ path: at, message: `environment variable ${name} is not set (referenced as ${whole})` });
          return whole;
        }
        return replacement;
      });
    }
    // YAML reads an unquoted 2026-12-31T00:00:00Z as a Date: keep it one (an `until`), it holds no reference.
    if (node instanceof Date) return node;
    if (Array.isArray(node)) return node.map((item, i) => walk(item, joinPath(at, i)));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, joinPath(at, key))]));
    }
    return node;
  };
  return { value: walk(value, path), issues };
}
