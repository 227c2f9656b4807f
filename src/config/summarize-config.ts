import { windowLabel } from '../domain/alert-text.js';
import type { Config } from '../domain/config-types.js';

const percent = (fraction: number) => `${+(fraction * 100).toFixed(4)}%`;

/** The one-line summary `--check` prints: exchanges, symbols, thresholds, email on/off. */
export function summarizeConfig(config: Config): string {
  const exchanges = Object.entries(config.exchanges)
    .filter(([, exchange]) => exchange.enabled)
    .map(([id, exchange]) => `${id} (${exchange.symbols.join(', ')})`);
  const { thresholds } = config.alerts;
  const email = config.alerts.email
    ? `email on (${config.alerts.email.smtp_host}:${config.alerts.email.smtp_port} -> ${config.alerts.email.to_addrs.length} recipient(s))`
    : 'email off';
  return [
    `config ok: ${exchanges.length} exchange(s): ${exchanges.join('; ')}`,
    `thresholds ${percent(thresholds.pct_24h)}/${windowLabel(thresholds.window_24h_ms)}, ${percent(thresholds.pct_short)}/${windowLabel(thresholds.window_short_ms)}`,
    email,
  ].join('; ');
}
