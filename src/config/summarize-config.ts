import { percentLabel as percent, windowLabel } from '../domain/alert-text.js';
import type { Config } from '../domain/config-types.js';

/** The host of a channel URL: its path, query and userinfo are secrets. */
const hostOf = (url: string) => (URL.canParse(url) ? new URL(url).host : '(invalid URL)');

/** `webhooks 2 (hooks.slack.com slack, ntfy.sh ntfy); telegram 1 chat(s) via api.telegram.org; ...`: no secret. */
function channels(config: Config): string[] {
  const { webhooks, telegram, alertmanager } = config.alerts;
  const parts: string[] = [];
  if (webhooks.length > 0) {
    parts.push(`webhooks ${webhooks.length} (${webhooks.map((w) => `${hostOf(w.url)} ${w.format}`).join(', ')})`);
  }
  if (telegram) parts.push(`telegram ${telegram.chat_ids.length} chat(s) via ${hostOf(telegram.api_url)}`);
  if (alertmanager) parts.push(`alertmanager ${alertmanager.urls.map(hostOf).join(', ')}`);
  return parts;
}

/** `divergence 1% for 30s (fresh 10s), 1 pair`, when the rule is on. */
function divergence(config: Config): string[] {
  const rule = config.alerts.divergence;
  if (!rule) return [];
  const pairs = rule.pairs.length > 0 ? `, ${rule.pairs.length} pair(s)` : '';
  return [`divergence ${percent(rule.pct)} for ${windowLabel(rule.min_duration_ms)} (prices fresh ${windowLabel(rule.max_age_ms)})${pairs}`];
}

/**
 * The one-line summary `--check` prints: exchanges, symbols, thresholds, how many
 * symbols have their own rules (thresholds or price levels), email on/off, and
 * the other channels by host only (no URL path, header or token).
 */
export function summarizeConfig(config: Config): string {
  const exchanges = Object.entries(config.exchanges)
    .filter(([, exchange]) => exchange.enabled)
    .map(([id, exchange]) => `${id} (${exchange.symbols.join(', ')})`);
  const { thresholds } = config.alerts;
  const enabled = Object.values(config.exchanges).filter((exchange) => exchange.enabled);
  const ownRules = enabled.reduce((n, exchange) => n + Object.keys(exchange.symbol_rules ?? {}).length, 0);
  const exchangeRules = enabled.filter((exchange) => exchange.thresholds !== undefined).length;
  const email = config.alerts.email
    ? `email on (${config.alerts.email.smtp_host}:${config.alerts.email.smtp_port} -> ${config.alerts.email.to_addrs.length} recipient(s))`
    : 'email off';
  return [
    `config ok: ${exchanges.length} exchange(s): ${exchanges.join('; ')}`,
    `thresholds ${percent(thresholds.pct_24h)}/${windowLabel(thresholds.window_24h_ms)}, ${percent(thresholds.pct_short)}/${windowLabel(thresholds.window_short_ms)}`,
    `${ownRules} symbol(s) with their own rules${exchangeRules > 0 ? `, ${exchangeRules} exchange(s) with their own thresholds` : ''}`,
    email,
    ...divergence(config),
    ...channels(config),
  ].join('; ');
}
