import * as t from 'io-ts';
import { EXCHANGE_IDS, type ExchangeId } from '../domain/exchange-id.js';
import { isTimeZone, parseClockTime } from '../domain/quiet-hours.js';
import { parseIsoTime } from '../domain/silence.js';
import { ASSET_ALIASES, canonicalSymbol, exchangeSymbol, isSymbolError } from '../domain/symbol.js';
import type { DivergenceMarket } from '../domain/config-types.js';
import { MAX_WINDOW_MS } from '../domain/window-limits.js';

/**
 * io-ts codecs for the YAML as written (snake_case, optional keys optional).
 * Constraints are refinements whose name the error reporter turns into words.
 */

function refined<C extends t.Mixed>(codec: C, name: string, ok: (value: t.TypeOf<C>) => boolean) {
  return new t.RefinementType<C, t.TypeOf<C>, t.OutputOf<C>, t.InputOf<C>>(
    name,
    (u): u is t.TypeOf<C> => codec.is(u) && ok(u),
    (u, c) => {
      const decoded = codec.validate(u, c);
      if (decoded._tag === 'Left') return decoded;
      return ok(decoded.right) ? decoded : t.failure(u, c);
    },
    codec.encode,
    codec,
    ok,
  );
}

export const Fraction = refined(t.number, 'Fraction', (n) => n > 0 && n <= 1);
export const Hysteresis = refined(t.number, 'Hysteresis', (n) => n >= 0 && n < 1);
export const PositiveMs = refined(t.number, 'PositiveMs', (n) => Number.isInteger(n) && n > 0);
/** A rule window: whole ms, at most {@link MAX_WINDOW_MS} (the windows keep 32-bit time offsets). */
export const WindowMs = refined(t.number, 'WindowMs', (n) => Number.isInteger(n) && n > 0 && n <= MAX_WINDOW_MS);
export const NonNegativeMs = refined(t.number, 'NonNegativeMs', (n) => Number.isInteger(n) && n >= 0);
export const NonNegativeSeconds = refined(t.number, 'NonNegativeSeconds', (n) => Number.isFinite(n) && n >= 0);
export const Port = refined(t.number, 'Port', (n) => Number.isInteger(n) && n >= 1 && n <= 65535);
export const NonEmptyString = refined(t.string, 'NonEmptyString', (s) => s.trim().length > 0);
export const EmailAddress = refined(t.string, 'EmailAddress', (s) =>
  /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s.trim()),
);
export const WebSocketUrl = refined(t.string, 'WebSocketUrl', (s) => /^wss?:\/\/[^\s/]+/.test(s));
export const HttpUrl = refined(t.string, 'HttpUrl', (s) => /^https?:\/\/[^\s/]+/.test(s));
const LISTEN = /^(\[[0-9a-fA-F:]+\]|[^\s:]+):(\d{1,5})$/;

/** `host:port` with a port the HTTP server can bind (0-65535), so `--check` refuses what a start would. */
export const ListenAddress = new t.Type<string, string, unknown>(
  'ListenAddress',
  (u): u is string => typeof u === 'string' && Number(LISTEN.exec(u)?.[2] ?? Infinity) <= 65535,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const match = LISTEN.exec(u);
    if (!match) return t.failure(u, c);
    const port = Number(match[2]);
    return port <= 65535 ? t.success(u) : t.failure(u, c, `port ${port} is above 65535 (expected host:port, e.g. 127.0.0.1:9464)`);
  },
  t.identity,
);

/**
 * A symbol as written on `exchange` (`BTC/USDT`, `BTC-USDT`, `btcusdt`),
 * decoded to canonical `BASE/QUOTE`; the exchange's asset aliases split a
 * concatenated form (Kraken `xbtusd` → `XBT/USD`; the decoder then reads XBT as BTC).
 */
export function symbolCodec(exchange: string) {
  const aliases = ASSET_ALIASES[exchange];
  return new t.Type<string, string, unknown>(
    'Symbol',
    (u): u is string => typeof u === 'string' && canonicalSymbol(u, aliases) === u,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c);
      const canonical = canonicalSymbol(u, aliases);
      return isSymbolError(canonical) ? t.failure(u, c, canonical.message) : t.success(canonical);
    },
    t.identity,
  );
}

export const PositivePrice = refined(t.number, 'PositivePrice', (n) => Number.isFinite(n) && n > 0);

/** The thresholds an exchange's `thresholds` (or a symbol object) may override: the other windows stay global. */
const thresholdOverrideProps = { pct_24h: Fraction, pct_short: Fraction, window_short_ms: WindowMs };

export const ThresholdOverridesCodec = t.partial(thresholdOverrideProps, 'ThresholdOverrides');

/** A symbol written as an object on `exchange`: `{ symbol: DOGE/USDT, pct_24h: 0.15, above: [0.5, 1.0] }`. */
export const symbolRulesCodec = (exchange: string) =>
  t.intersection(
    [
      t.type({ symbol: symbolCodec(exchange) }),
      t.partial({ ...thresholdOverrideProps, above: t.array(PositivePrice, 'Levels'), below: t.array(PositivePrice, 'Levels') }),
    ],
    'SymbolRules',
  );

type SymbolRulesCodec = ReturnType<typeof symbolRulesCodec>;
type SymbolEntry = string | t.TypeOf<SymbolRulesCodec>;

/**
 * One entry of `exchanges.<id>.symbols`: a symbol string, or an object with its
 * own rules. Not a plain `t.union`: that would report the object's errors twice
 * (once as "not a string"); this picks the form by the value's type, so an error
 * names the key inside the object (`symbols[1].pct_24h`).
 */
export function symbolEntryCodec(exchange: string) {
  const asString = symbolCodec(exchange);
  const asObject = symbolRulesCodec(exchange);
  return new t.UnionType<[typeof asString, SymbolRulesCodec], SymbolEntry, SymbolEntry, unknown>(
    'SymbolEntry',
    (u): u is SymbolEntry => asString.is(u) || asObject.is(u),
    (u, c) => {
      if (typeof u === 'string') return asString.validate(u, c);
      if (u !== null && typeof u === 'object' && !Array.isArray(u)) return asObject.validate(u, c);
      return t.failure(u, c);
    },
    t.identity,
    [asString, asObject],
  );
}

/** One `exchanges.<id>` block. */
export const exchangeCodec = (exchange: string) => t.intersection([
  t.type({ symbols: t.array(symbolEntryCodec(exchange)) }),
  t.partial({
    reconnect_delay: NonNegativeSeconds,
    reconnect_max_delay: NonNegativeSeconds,
    stale_after_ms: PositiveMs,
    enabled: t.boolean,
    url: WebSocketUrl,
    thresholds: ThresholdOverridesCodec,
  }),
]);

/** One optional `exchanges.<id>` block per id of {@link EXCHANGE_IDS}: the list is not repeated here. */
export const ExchangesCodec = t.partial(
  Object.fromEntries(EXCHANGE_IDS.map((id) => [id, exchangeCodec(id)])) as Record<ExchangeId, ReturnType<typeof exchangeCodec>>,
);

export const ThresholdsCodec = t.partial({
  pct_24h: Fraction,
  window_24h_ms: WindowMs,
  pct_short: Fraction,
  window_short_ms: WindowMs,
});

export const EmailCodec = t.intersection([
  t.type({
    smtp_host: NonEmptyString,
    smtp_port: Port,
    from_addr: EmailAddress,
    to_addrs: t.array(EmailAddress),
  }),
  t.partial({
    username: t.string,
    password: t.string,
    password_file: NonEmptyString,
    secure: t.boolean,
    group_wait_ms: NonNegativeMs,
    allow_insecure_auth: t.boolean,
  }),
]);

/** A channel URL: its path, query and userinfo are secrets, so an error never quotes it. */
export const SecretHttpUrl = refined(t.string, 'SecretHttpUrl', (s) => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s));
/** A token or header value: never quoted in an error. */
export const SecretString = refined(t.string, 'SecretString', (s) => s.trim().length > 0);

export const WebhookFormatCodec = t.keyof({ slack: null, discord: null, ntfy: null, json: null }, 'WebhookFormat');

export const WebhookCodec = t.intersection([
  t.type({ url: SecretHttpUrl }, 'Webhook'),
  t.partial({ format: WebhookFormatCodec, group_wait_ms: NonNegativeMs, headers: t.record(t.string, SecretString, 'Headers') }),
], 'Webhook');

/** A Telegram chat: a numeric id (negative for groups and channels, quoted or not) or a public `@channelname`. */
export const ChatIdCodec = new t.Type<number | string, number | string, unknown>(
  'ChatId',
  (u): u is number | string => (typeof u === 'number' && Number.isSafeInteger(u)) || (typeof u === 'string' && /^@\w{4,}$/.test(u)),
  (u, c) => {
    if (typeof u === 'number' && Number.isSafeInteger(u)) return t.success(u);
    if (typeof u === 'string' && /^-?\d{1,16}$/.test(u.trim())) return t.success(Number(u.trim()));
    if (typeof u === 'string' && /^@\w{4,}$/.test(u.trim())) return t.success(u.trim());
    return t.failure(u, c);
  },
  t.identity,
);

export const TelegramCodec = t.intersection([
  t.type({ bot_token: SecretString, chat_ids: t.array(ChatIdCodec) }, 'Telegram'),
  t.partial({ api_url: HttpUrl, group_wait_ms: NonNegativeMs }),
], 'Telegram');

export const AlertmanagerCodec = t.intersection([
  t.type({ urls: t.array(SecretHttpUrl) }, 'Alertmanager'),
  t.partial({ resend_every_ms: PositiveMs, external_labels: t.record(t.string, t.string, 'Labels') }),
], 'Alertmanager');

/**
 * An instant with its zone, `2026-12-31T00:00:00Z` or `2026-12-31T01:00:00+01:00`,
 * decoded to ms (YAML reads it unquoted as a Date, which is taken as is).
 */
export const IsoTime = new t.Type<number, number, unknown>(
  'IsoTime',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => {
    if (u instanceof Date) return Number.isFinite(u.getTime()) ? t.success(u.getTime()) : t.failure(u, c);
    const ms = typeof u === 'string' ? parseIsoTime(u) : undefined;
    return ms !== undefined ? t.success(ms) : t.failure(u, c);
  },
  t.identity,
);

/** The rules a silence can name (a feed alert is silenced only by naming its rule). */
export const SilenceRuleCodec = t.keyof({ pct_24h: null, pct_short: null, level_above: null, level_below: null, divergence: null, feed_down: null, feed_recovered: null }, 'SilenceRule');

/** `match` of a silence: any of exchange, symbol, rule (at least one: checked by the decoder). */
export const SilenceMatchCodec = t.partial({
  exchange: t.keyof(Object.fromEntries(EXCHANGE_IDS.map((id) => [id, null])) as Record<ExchangeId, null>, 'ExchangeId'),
  symbol: symbolCodec(''),
  rule: SilenceRuleCodec,
});

/** One entry of `alerts.silences`. */
export const SilenceCodec = t.intersection([
  t.type({ match: SilenceMatchCodec }, 'Silence'),
  t.partial({ until: IsoTime, comment: t.string }),
], 'Silence');

/** `HH:MM` (00:00-23:59), decoded to minutes after midnight. */
export const ClockTime = new t.Type<number, number, unknown>(
  'ClockTime',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u < 1440,
  (u, c) => {
    const minutes = typeof u === 'string' ? parseClockTime(u) : undefined;
    return minutes !== undefined ? t.success(minutes) : t.failure(u, c);
  },
  t.identity,
);

/** An IANA time zone the runtime knows (`Europe/Berlin`, `UTC`). */
export const TimeZone = refined(t.string, 'TimeZone', (s) => isTimeZone(s));

/** `alerts.quiet_hours`. */
export const QuietHoursCodec = t.intersection([
  t.type({ from: ClockTime, to: ClockTime }, 'QuietHours'),
  t.partial({ time_zone: TimeZone, deliver: t.keyof({ digest: null, drop: null }, 'QuietDeliver') }),
], 'QuietHours');

/**
 * One side of an `alerts.divergence.pairs` entry, `exchange:SYMBOL`
 * (`binance:BTC/USDT`, `kraken:XBT/USD`), decoded to the exchange and its
 * canonical symbol; whether the exchange is enabled and watches it is checked
 * by the decoder.
 */
export const DivergenceMarketCodec = new t.Type<DivergenceMarket, DivergenceMarket, unknown>(
  'DivergenceMarket',
  (u): u is DivergenceMarket => typeof u === 'object' && u !== null && typeof (u as DivergenceMarket).exchange === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const colon = u.indexOf(':');
    if (colon < 0) return t.failure(u, c);
    const exchange = u.slice(0, colon).trim().toLowerCase();
    if (!(EXCHANGE_IDS as readonly string[]).includes(exchange)) {
      return t.failure(u, c, `unknown exchange "${exchange}" in ${JSON.stringify(u)} (expected one of ${EXCHANGE_IDS.join(', ')})`);
    }
    const canonical = canonicalSymbol(u.slice(colon + 1).trim(), ASSET_ALIASES[exchange]);
    if (isSymbolError(canonical)) return t.failure(u, c, `${canonical.message} (in ${JSON.stringify(u)})`);
    return t.success({ exchange, symbol: exchangeSymbol(exchange, canonical) });
  },
  t.identity,
);

/** One entry of `alerts.divergence.pairs`: exactly two sides. */
export const DivergencePairCodec = new t.TupleType<[typeof DivergenceMarketCodec, typeof DivergenceMarketCodec], [DivergenceMarket, DivergenceMarket], [DivergenceMarket, DivergenceMarket], unknown>(
  'DivergencePair',
  (u): u is [DivergenceMarket, DivergenceMarket] => Array.isArray(u) && u.length === 2 && u.every((m) => DivergenceMarketCodec.is(m)),
  (u, c) => {
    if (!Array.isArray(u) || u.length !== 2) return t.failure(u, c);
    const sides: DivergenceMarket[] = [];
    const errors: t.Errors = [];
    u.forEach((side: unknown, i) => {
      const decoded = DivergenceMarketCodec.validate(side, t.appendContext(c, String(i), DivergenceMarketCodec, side));
      if (decoded._tag === 'Left') errors.push(...decoded.left);
      else sides.push(decoded.right);
    });
    return errors.length > 0 ? t.failures(errors) : t.success([sides[0]!, sides[1]!]);
  },
  t.identity,
  [DivergenceMarketCodec, DivergenceMarketCodec],
);

/** `alerts.divergence`: `pct` is required; the rule is off when the block is absent. */
export const DivergenceCodec = t.intersection([
  t.type({ pct: Fraction }, 'Divergence'),
  t.partial({ min_duration_ms: PositiveMs, max_age_ms: PositiveMs, pairs: t.array(DivergencePairCodec, 'DivergencePairs') }),
], 'Divergence');

export const AlertsCodec = t.partial({
  thresholds: ThresholdsCodec,
  hysteresis: Hysteresis,
  level_hysteresis: Hysteresis,
  feed_down_after_ms: PositiveMs,
  symbol_silent_after_ms: PositiveMs,
  email: EmailCodec,
  webhooks: t.array(WebhookCodec, 'Webhooks'),
  telegram: TelegramCodec,
  alertmanager: AlertmanagerCodec,
  silences: t.array(SilenceCodec, 'Silences'),
  quiet_hours: QuietHoursCodec,
  divergence: DivergenceCodec,
});

export const HttpCodec = t.intersection([t.type({ listen: ListenAddress }), t.partial({ public_url: HttpUrl })]);

export const OpsCodec = t.partial({ heartbeat_url: HttpUrl, heartbeat_every_ms: PositiveMs });

/** The whole file as written. */
export const ConfigFileCodec = t.intersection([
  t.type({ exchanges: ExchangesCodec }),
  t.partial({ alerts: AlertsCodec, state_dir: NonEmptyString, http: HttpCodec, ops: OpsCodec }),
]);

export type ConfigFile = t.TypeOf<typeof ConfigFileCodec>;

/** Types whose wrong value an error line does not quote: it may be a webhook URL, a header value or a token. */
export const UNQUOTED_TYPES: ReadonlySet<string> = new Set(['SecretHttpUrl', 'SecretString', 'Webhooks', 'Webhook', 'Headers']);

/** What each refinement means, in the words of an error line. */
export const EXPECTATIONS: Readonly<Record<string, string>> = {
  Fraction: 'a fraction in (0, 1] (0.05 = 5 %)',
  Hysteresis: 'a fraction in [0, 1)',
  PositiveMs: 'a whole number of milliseconds > 0',
  WindowMs: `a whole number of milliseconds from 1 to ${MAX_WINDOW_MS} (49.7 days)`,
  NonNegativeMs: 'a whole number of milliseconds >= 0',
  NonNegativeSeconds: 'a number of seconds >= 0',
  Port: 'a port number 1-65535',
  NonEmptyString: 'a non-empty string',
  EmailAddress: 'an e-mail address like alerts@example.com',
  WebSocketUrl: 'a ws:// or wss:// URL',
  HttpUrl: 'an http:// or https:// URL',
  SecretHttpUrl: 'an http:// or https:// URL',
  SecretString: 'a non-empty string',
  WebhookFormat: 'one of slack, discord, ntfy, json',
  Webhooks: 'a list of webhooks, each a mapping with a url',
  Webhook: 'a mapping with a url',
  Headers: 'a mapping of header names to values',
  Telegram: 'a mapping with bot_token and chat_ids',
  Alertmanager: 'a mapping with urls',
  Labels: 'a mapping of label names to values',
  ChatId: 'a chat id (a whole number, negative for groups) or @channelname',
  ListenAddress: 'host:port, e.g. 127.0.0.1:9464',
  IsoTime: 'a time with its zone, e.g. 2026-12-31T00:00:00Z',
  ClockTime: 'a local time HH:MM, e.g. "22:00"',
  TimeZone: 'an IANA time zone, e.g. Europe/Berlin or UTC',
  QuietDeliver: 'one of digest, drop',
  QuietHours: 'a mapping with from and to (HH:MM), optional time_zone and deliver',
  SilenceRule: 'one of pct_24h, pct_short, level_above, level_below, divergence, feed_down, feed_recovered',
  ExchangeId: `one of ${EXCHANGE_IDS.join(', ')}`,
  Silences: 'a list of silences, each a mapping with a match',
  Silence: 'a mapping with a match (any of exchange, symbol, rule), optional until and comment',
  Symbol: 'a symbol like BTC/USDT',
  SymbolEntry: 'a symbol like BTC/USDT, or a mapping with a symbol and its own rules',
  PositivePrice: 'a price > 0',
  Divergence: 'a mapping with pct, optional min_duration_ms, max_age_ms and pairs',
  DivergencePairs: 'a list of pairs, each [exchange:SYMBOL, exchange:SYMBOL]',
  DivergencePair: 'a pair [exchange:SYMBOL, exchange:SYMBOL], e.g. [binance:BTC/USDT, coinbase:BTC/USD]',
  DivergenceMarket: 'exchange:SYMBOL, e.g. binance:BTC/USDT',
  Levels: 'a list of prices',
  ThresholdOverrides: 'a mapping of pct_24h, pct_short, window_short_ms',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
};
