/**
 * The strings of a channel's settings that must never be shown: the URL's
 * path, query, each path segment and query value, the userinfo, and the given
 * extra secrets (header values, a bot token). Short pieces (under 4
 * characters, like `api` or `v2`) are kept: they are names, not tokens, and
 * redacting them would garble the text.
 *
 * @example
 * secretsOf('https://hooks.slack.com/services/T000/B000/XXXX', ['Bearer abc123']);
 * // Logs: [ '/services/T000/B000/XXXX', 'services', 'T000', 'B000', 'XXXX', 'Bearer abc123', 'Bearer', 'abc123' ]
 */
export function secretsOf(url: string, extra: readonly string[] = []): string[] {
  const found: string[] = [];
  try {
    const parsed = new URL(url);
    found.push(`${parsed.pathname}${parsed.search}`, ...parsed.pathname.split('/'));
    for (const [, value] of parsed.searchParams) found.push(value);
    found.push(parsed.username, parsed.password, decodeURIComponent(parsed.username), decodeURIComponent(parsed.password));
  } catch {
    found.push(url);
  }
  for (const value of extra) found.push(value, ...value.split(/\s+/));
  return [...new Set(found.filter((s) => s.length >= 4))];
}

/**
 * Replaces every secret in `text` with `…` (longest first, so a path goes
 * before its segments), for a receiver's answer quoted in a failure reason.
 *
 * @example
 * redactSecrets('no such hook /services/T000/B000/XXXX', secretsOf('https://hooks.slack.com/services/T000/B000/XXXX'));
 * // Logs: no such hook …
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) result = result.split(secret).join('…');
  }
  return result;
}
