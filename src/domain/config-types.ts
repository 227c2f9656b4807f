import type { ExchangeId } from './exchange-id.js';
import type { QuietHours } from './quiet-hours.js';
import type { Silence } from './silence.js';

/** One exchange's settings, defaults filled in. */
export interface ExchangeConfig {
  /** Canonical `BASE/QUOTE` symbols, in config order, no duplicates. */
  readonly symbols: readonly string[];
  /** Seconds before the first reconnect attempt. */
  readonly reconnect_delay: number;
  /** Seconds the exponential backoff is capped at (default 60). */
  readonly reconnect_max_delay: number;
  /**
   * Milliseconds an open connection may deliver no market data and no
   * heartbeat-channel message before it counts as stale and is replaced.
   * Absent: the exchange's own default (`Connector.liveness.staleAfterMs`:
   * 30000 with a heartbeat channel, 300000 on Binance).
   */
  readonly stale_after_ms?: number;
  /** `false` keeps the block in the file but starts no feed (default true). */
  readonly enabled: boolean;
  /** WebSocket endpoint override; the exchange's public endpoint when absent. */
  readonly url?: string;
  /** `exchanges.<id>.thresholds`: overrides `alerts.thresholds` for this exchange's symbols. */
  readonly thresholds?: ThresholdOverrides;
  /**
   * The rules of the symbols written as objects in `symbols` (`{ symbol, pct_24h, above, ... }`),
   * by canonical symbol; a symbol written as a plain string has no entry. Kept apart from
   * `symbols` so readers of the symbol list (the connectors) see plain strings.
   */
  readonly symbol_rules?: Readonly<Record<string, SymbolRules>>;
}

/** The thresholds an exchange or a symbol may override; the others stay `alerts.thresholds`. */
export interface ThresholdOverrides {
  readonly pct_24h?: number;
  readonly pct_short?: number;
  readonly window_short_ms?: number;
}

/** One symbol's own rules: threshold overrides and price levels (ascending, no duplicates). */
export interface SymbolRules extends ThresholdOverrides {
  /** Price levels that alert when the price rises through them. */
  readonly above?: readonly number[];
  /** Price levels that alert when the price falls through them. */
  readonly below?: readonly number[];
}

/**
 * Per-exchange and per-symbol rules, keyed by exchange id; `Config.exchanges`
 * is one. A symbol's thresholds are its own keys, else its exchange's
 * `thresholds`, else `alerts.thresholds`.
 */
export type RuleOverrides = Readonly<
  Record<string, { readonly thresholds?: ThresholdOverrides; readonly symbol_rules?: Readonly<Record<string, SymbolRules>> } | undefined>
>;

/** The alert thresholds, same keys as `alerts.thresholds` in the YAML. Fractions: 0.05 = 5 %. */
export interface Thresholds {
  readonly pct_24h: number;
  readonly window_24h_ms: number;
  readonly pct_short: number;
  readonly window_short_ms: number;
}

/** SMTP settings of `alerts.email`, defaults filled in, secrets resolved. */
export interface EmailConfig {
  readonly smtp_host: string;
  readonly smtp_port: number;
  readonly username?: string;
  readonly password?: string;
  readonly from_addr: string;
  readonly to_addrs: readonly string[];
  /** Implicit TLS; default true only for port 465 (587 and 25 use STARTTLS when offered). */
  readonly secure: boolean;
  /** Digest window: alerts within this many ms of the first go out as one email (default 5000). */
  readonly group_wait_ms: number;
  /**
   * Allow a login (username set) over an unencrypted connection to a host that
   * is not loopback (default false: such a login requires STARTTLS).
   */
  readonly allow_insecure_auth?: boolean;
}

/** Everything under `alerts`. */
export interface AlertsConfig {
  readonly thresholds: Thresholds;
  /** A key re-arms when the move falls below threshold x (1 - hysteresis). Default 0.2. */
  readonly hysteresis: number;
  /**
   * A crossed price level re-arms once the price is back past it by this fraction
   * of the level. The decoder always fills it in (default 0.005,
   * {@link DEFAULT_LEVEL_HYSTERESIS}); optional so that a `Config` built by hand
   * before price levels existed still compiles.
   */
  readonly level_hysteresis?: number;
  /** A feed not live for this long raises `feed_down` (default 120000). */
  readonly feed_down_after_ms: number;
  /** A symbol without a tick for this long while its feed is live is reported (default 600000). */
  readonly symbol_silent_after_ms: number;
  /** Absent: no email. */
  readonly email?: EmailConfig;
  /** `alerts.webhooks`: any number, in config order (ids `webhook-1`, `webhook-2`, ...). Empty when absent. */
  readonly webhooks: readonly WebhookConfig[];
  /** `alerts.telegram`: absent means no Telegram channel. */
  readonly telegram?: TelegramConfig;
  /** `alerts.alertmanager`: absent means no Alertmanager channel. */
  readonly alertmanager?: AlertmanagerConfig;
  /** `alerts.silences`, ids `config-1`, `config-2`, ... in config order. Empty when absent. */
  readonly silences: readonly Silence[];
  /** `alerts.quiet_hours`: absent means none. */
  readonly quiet_hours?: QuietHours;
  /** `alerts.divergence`: absent means the cross-exchange divergence rule is off. */
  readonly divergence?: DivergenceConfig;
}

/** One side of a configured divergence pair: an enabled exchange and a canonical symbol it watches. */
export interface DivergenceMarket {
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
}

/** `alerts.divergence`, defaults filled in. */
export interface DivergenceConfig {
  /** The spread (`high / low - 1`) that is a divergence: 0.01 = 1 %. */
  readonly pct: number;
  /** The spread must stay above `pct` this long, continuously, before it alerts (ms, default 30000). */
  readonly min_duration_ms: number;
  /** A price takes part for this long after it arrived (ms, default 10000); older ones are stale. */
  readonly max_age_ms: number;
  /** Pairs of different symbols compared as equal (`[binance:BTC/USDT, coinbase:BTC/USD]`); empty when absent. */
  readonly pairs: readonly (readonly [DivergenceMarket, DivergenceMarket])[];
}

/** Body shapes a webhook can receive. */
export type WebhookFormat = 'slack' | 'discord' | 'ntfy' | 'json';

/** One entry of `alerts.webhooks`, defaults filled in, secrets resolved. The URL and headers are secrets. */
export interface WebhookConfig {
  readonly url: string;
  /** Default `json`. */
  readonly format: WebhookFormat;
  /** Default 5000, as for email. */
  readonly group_wait_ms: number;
  /** Extra request headers (e.g. `Authorization`); default none. */
  readonly headers: Readonly<Record<string, string>>;
}

/** `alerts.telegram`: the Bot API `sendMessage` to each chat. The token is a secret. */
export interface TelegramConfig {
  readonly bot_token: string;
  readonly chat_ids: readonly (number | string)[];
  /** Default `https://api.telegram.org`. */
  readonly api_url: string;
  /** Default 5000. */
  readonly group_wait_ms: number;
}

/** `alerts.alertmanager`: `POST /api/v2/alerts` to every peer. */
export interface AlertmanagerConfig {
  /** One or more Alertmanager base URLs (`http://127.0.0.1:9093`). */
  readonly urls: readonly string[];
  /** Firing alerts are re-sent this often, as Prometheus does (default 60000). */
  readonly resend_every_ms: number;
  /** Labels added to every alert (e.g. `{ env: prod }`), as Prometheus' `external_labels`, the same on every replica; default none. */
  readonly external_labels?: Readonly<Record<string, string>>;
}

/** The optional HTTP surface (`/livez`, `/readyz`, `/metrics`, status page). */
export interface HttpConfig {
  /** `host:port`, e.g. `127.0.0.1:9464`. */
  readonly listen: string;
  /** The status page's address as readers reach it (behind a proxy, say): emails link to it. Absent: no link. */
  readonly public_url?: string;
}

/** Dead-man's-switch settings. */
export interface OpsConfig {
  /** GET this URL every `heartbeat_every_ms` while every feed is live. */
  readonly heartbeat_url?: string;
  readonly heartbeat_every_ms: number;
}

/** The whole decoded configuration. */
export interface Config {
  readonly exchanges: Readonly<Partial<Record<ExchangeId, ExchangeConfig>>>;
  readonly alerts: AlertsConfig;
  /** Where the alert journal and the delivery cursors live (default `var/`), relative to the working directory. */
  readonly state_dir: string;
  readonly http?: HttpConfig;
  readonly ops: OpsConfig;
}

/** The shipped defaults: the seed's thresholds. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  pct_24h: 0.05,
  window_24h_ms: 86_400_000,
  pct_short: 0.02,
  window_short_ms: 3_600_000,
};

/** The default `alerts.level_hysteresis`: a crossed level re-arms 0.5 % back past it. */
export const DEFAULT_LEVEL_HYSTERESIS = 0.005;

/** The defaults of `alerts.divergence` (its `pct` has none: it must be given). */
export const DEFAULT_DIVERGENCE = { min_duration_ms: 30_000, max_age_ms: 10_000 } as const;
