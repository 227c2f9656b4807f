/**
 * `https://hooks.slack.com`: the scheme and host of a URL, the only part of a
 * channel's URL that may be shown (the path, query and userinfo carry tokens).
 *
 * @example
 * safeOrigin('https://hooks.slack.com/services/T000/B000/XXXX');
 * // Logs: https://hooks.slack.com
 */
export function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * `hooks.slack.com`, `127.0.0.1:9093`: the host (and a non-default port) of a
 * URL, as channel labels show it.
 *
 * @example
 * safeHost('https://hooks.slack.com/services/T000/B000/XXXX');
 * // Logs: hooks.slack.com
 */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}
