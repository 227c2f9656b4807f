import type { Config, ExchangeConfig } from '../domain/config-types.js';
import { EXCHANGE_IDS, type ExchangeId } from '../domain/exchange-id.js';

/** What a reload changes for one exchange. */
export interface ExchangeDiff {
  readonly exchange: ExchangeId;
  /** `enabled` / `disabled`: the feed opens or closes; `reconnect`: its url or connection settings changed; `symbols`: the open connections take the change. */
  readonly feed: 'enabled' | 'disabled' | 'reconnect' | 'symbols' | 'none';
  /** Symbols added and removed (of an enabled exchange; all of them when it is enabled or disabled). */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Its `thresholds` or a symbol's own rules (thresholds, levels) changed. */
  readonly rules: boolean;
}

/** What a reload from `before` to `after` changes, and what it cannot change without a restart. */
export interface ConfigDiff {
  /** Exchanges with a change, in `EXCHANGE_IDS` order. */
  readonly exchanges: readonly ExchangeDiff[];
  /** `alerts.thresholds`, `alerts.hysteresis` or `alerts.level_hysteresis` changed. */
  readonly thresholds: boolean;
  /** `alerts.silences` changed. */
  readonly silences: boolean;
  /** `alerts.quiet_hours` changed: the channels' deliveries are replaced to hold by the new hours. */
  readonly quietHours: boolean;
  /** Any channel (`alerts.email`, `webhooks`, `telegram`, `alertmanager`, or `http.public_url` its links use) changed. */
  readonly channels: boolean;
  /** Key paths whose change needs a restart: the running service keeps their old value (see {@link RESTART_KEYS}). */
  readonly needsRestart: readonly string[];
}

/**
 * Keys a reload does not apply: the service keeps running with their old value
 * and WARNs. `state_dir` holds the journal, cursors and lock of the running
 * process; `http.listen` is its bound socket; the rest drive timers and
 * operators built once at start.
 */
export const RESTART_KEYS = [
  'state_dir',
  'http.listen',
  'ops.heartbeat_url',
  'ops.heartbeat_every_ms',
  'alerts.feed_down_after_ms',
  'alerts.symbol_silent_after_ms',
] as const;

/** The `alerts` keys a reload applies from the next tick. */
const LIVE_ALERT_KEYS: ReadonlySet<string> = new Set(['thresholds', 'hysteresis', 'level_hysteresis', 'silences', 'quiet_hours', 'email', 'webhooks', 'telegram', 'alertmanager']);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The value at a dotted path of `RESTART_KEYS` (two levels at most). */
function at(config: Config, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

const connectionSettings = (cfg: ExchangeConfig) => [cfg.url, cfg.reconnect_delay, cfg.reconnect_max_delay, cfg.stale_after_ms];

function exchangeDiff(exchange: ExchangeId, before: ExchangeConfig | undefined, after: ExchangeConfig | undefined): ExchangeDiff | undefined {
  const wasOn = before?.enabled === true;
  const isOn = after?.enabled === true;
  const oldSymbols = wasOn ? before!.symbols : [];
  const newSymbols = isOn ? after!.symbols : [];
  const added = newSymbols.filter((symbol) => !oldSymbols.includes(symbol));
  const removed = oldSymbols.filter((symbol) => !newSymbols.includes(symbol));
  const rules = !same(before?.thresholds, after?.thresholds) || !same(before?.symbol_rules, after?.symbol_rules);
  let feed: ExchangeDiff['feed'] = 'none';
  if (wasOn !== isOn) feed = isOn ? 'enabled' : 'disabled';
  else if (isOn && !same(connectionSettings(before!), connectionSettings(after!))) feed = 'reconnect';
  else if (added.length > 0 || removed.length > 0) feed = 'symbols';
  if (feed === 'none' && !rules) return undefined;
  return { exchange, feed, added, removed, rules };
}

/**
 * Compares two decoded configs: per exchange what the feeds and rules must do,
 * whether thresholds, silences and channels changed, and which changed keys
 * need a restart. Pure.
 *
 * @example
 * configDiff(config, { ...config, exchanges: { binance: { ...binance, symbols: ['BTC/USDT', 'ETH/USDT'] } } }).exchanges;
 * // Logs: [{ exchange: 'binance', feed: 'symbols', added: ['ETH/USDT'], removed: [], rules: false }]
 */
export function configDiff(before: Config, after: Config): ConfigDiff {
  const exchanges = EXCHANGE_IDS.flatMap((id) => {
    const diff = exchangeDiff(id, before.exchanges[id], after.exchanges[id]);
    return diff ? [diff] : [];
  });
  const a = before.alerts;
  const b = after.alerts;
  return {
    exchanges,
    thresholds: !same(a.thresholds, b.thresholds) || a.hysteresis !== b.hysteresis || a.level_hysteresis !== b.level_hysteresis,
    silences: !same(a.silences, b.silences),
    quietHours: !same(a.quiet_hours, b.quiet_hours),
    channels: !same([a.email, a.webhooks, a.telegram, a.alertmanager, before.http?.public_url], [b.email, b.webhooks, b.telegram, b.alertmanager, after.http?.public_url]),
    needsRestart: [
      ...RESTART_KEYS.filter((key) => !same(at(before, key), at(after, key))),
      // An alerts key this version does not apply live (a rule added later, say) is never silently ignored.
      ...Object.keys({ ...a, ...b })
        .filter((key) => !LIVE_ALERT_KEYS.has(key) && !RESTART_KEYS.includes(`alerts.${key}` as (typeof RESTART_KEYS)[number]))
        .filter((key) => !same((a as unknown as Record<string, unknown>)[key], (b as unknown as Record<string, unknown>)[key]))
        .map((key) => `alerts.${key}`),
    ],
  };
}

/**
 * The INFO line of a reload: what changed, one clause per part, with no secret
 * (channels are named, not their URLs). `no change` when nothing did.
 *
 * @example
 * describeConfigDiff(configDiff(config, withEthInsteadOfDoge));
 * // Logs: 'binance: +ETH/USDT, -DOGE/USDT'
 */
export function describeConfigDiff(diff: ConfigDiff): string {
  const parts = diff.exchanges.map((change) => {
    const symbols = [...change.added.map((s) => `+${s}`), ...change.removed.map((s) => `-${s}`)].join(', ');
    const feed = change.feed === 'enabled' ? 'enabled' : change.feed === 'disabled' ? 'disabled' : change.feed === 'reconnect' ? 'reconnecting (connection settings changed)' : '';
    const what = [feed, change.feed === 'enabled' || change.feed === 'disabled' ? '' : symbols, change.rules ? 'rules changed' : ''].filter(Boolean).join(', ');
    return `${change.exchange}: ${what}`;
  });
  if (diff.thresholds) parts.push('thresholds changed');
  if (diff.silences) parts.push('configured silences replaced');
  if (diff.quietHours) parts.push('quiet hours changed');
  if (diff.channels) parts.push('channels rebuilt');
  return parts.length > 0 ? parts.join('; ') : 'no change';
}
