import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { EXCHANGE_IDS, type ExchangeId } from '../domain/exchange-id.js';
import { exchangeSymbol } from '../domain/symbol.js';
import { ConfigFileCodec, type ConfigFile } from './codecs.js';
import { type ConfigIssue } from './config-issue.js';
import {
  type AlertsConfig,
  type Config,
  DEFAULT_THRESHOLDS,
  DEFAULT_LEVEL_HYSTERESIS,
  type EmailConfig,
  type ExchangeConfig,
  type SymbolRules,
} from '../domain/config-types.js';
import { decodeChannels, type DecodedChannels } from './decode-channels.js';
import { decodeDivergence } from './decode-divergence.js';
import { expandEnv } from './expand-env.js';
import { reportErrors } from './report-errors.js';
import { findUnknownKeys } from './unknown-keys.js';
import { errorMessage } from '../domain/error-message.js';
import type { Silence } from '../domain/silence.js';

/** Where {@link decodeConfig} gets what is outside the file. */
export interface DecodeOptions {
  /** Variables for `${NAME}` references. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory a relative `password_file` is resolved against. Default: the working directory. */
  readonly baseDir?: string;
  /**
   * Receives what the decoder did on the user's behalf, one note per event,
   * for an INFO line at start (Kraken's `XBT/USD` read as `BTC/USD`). Default: dropped.
   */
  readonly onNote?: (note: ConfigIssue) => void;
  /** Reads a `password_file`. Default: `fs.readFileSync(path, 'utf8')`. */
  readonly readSecretFile?: (path: string) => string;
}

// stale_after_ms has no default here: absent, each exchange's liveness default applies (see Connector.liveness).
const EXCHANGE_DEFAULTS = { reconnect_delay: 5, reconnect_max_delay: 60, enabled: true };

type ExchangeFile = NonNullable<ConfigFile['exchanges'][ExchangeId]>;

/** The canonical symbol of an entry of `symbols`: the string itself, or an object's `symbol`. */
const symbolOf = (entry: ExchangeFile['symbols'][number]): string => (typeof entry === 'string' ? entry : entry.symbol);

/** The own rules of the symbols written as objects with at least one rule key, by canonical symbol. */
function symbolRulesOf(exchange: ExchangeFile): Record<string, SymbolRules> | undefined {
  const rules: Record<string, SymbolRules> = {};
  for (const entry of exchange.symbols) {
    if (typeof entry === 'string') continue;
    const { symbol, ...own } = entry;
    if (Object.keys(own).length > 0) rules[symbol] = own;
  }
  return Object.keys(rules).length > 0 ? rules : undefined;
}

function checkExchange(id: string, exchange: ExchangeFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (exchange.symbols.length === 0) issues.push({ path: `exchanges.${id}.symbols`, message: 'expected at least one symbol' });
  const firstIndex = new Map<string, number>();
  exchange.symbols.map(symbolOf).forEach((symbol, i) => {
    const earlier = firstIndex.get(symbol);
    if (earlier !== undefined) {
      issues.push({ path: `exchanges.${id}.symbols[${i}]`, message: `${symbol} is already listed at symbols[${earlier}]` });
    } else firstIndex.set(symbol, i);
  });
  const delay = exchange.reconnect_delay ?? EXCHANGE_DEFAULTS.reconnect_delay;
  const maxDelay = exchange.reconnect_max_delay ?? EXCHANGE_DEFAULTS.reconnect_max_delay;
  if (maxDelay < delay) {
    issues.push({
      path: `exchanges.${id}.reconnect_max_delay`,
      message: `must be at least reconnect_delay (${delay}), got ${maxDelay}`,
    });
  }
  return issues;
}

/** The symbols with the exchange's asset aliases resolved (Kraken `XBT/USD` → `BTC/USD`), a note for each. */
function withExchangeAliases(id: ExchangeId, symbols: readonly string[], notes: ConfigIssue[]): string[] {
  return symbols.map((symbol, i) => {
    const canonical = exchangeSymbol(id, symbol);
    if (canonical !== symbol) {
      notes.push({ path: `exchanges.${id}.symbols[${i}]`, message: `${symbol} is read as ${canonical}, the name ${id} and every log, alert and page use` });
    }
    return canonical;
  });
}

function toExchangeConfig(exchange: ExchangeFile): ExchangeConfig {
  const symbolRules = symbolRulesOf(exchange);
  return {
    symbols: exchange.symbols.map(symbolOf),
    reconnect_delay: exchange.reconnect_delay ?? EXCHANGE_DEFAULTS.reconnect_delay,
    reconnect_max_delay: exchange.reconnect_max_delay ?? EXCHANGE_DEFAULTS.reconnect_max_delay,
    ...(exchange.stale_after_ms !== undefined ? { stale_after_ms: exchange.stale_after_ms } : {}),
    enabled: exchange.enabled ?? EXCHANGE_DEFAULTS.enabled,
    ...(exchange.url !== undefined ? { url: exchange.url } : {}),
    ...(exchange.thresholds !== undefined ? { thresholds: exchange.thresholds } : {}),
    ...(symbolRules !== undefined ? { symbol_rules: symbolRules } : {}),
  };
}

type EmailFile = NonNullable<NonNullable<ConfigFile['alerts']>['email']>;

function toEmailConfig(email: EmailFile, options: DecodeOptions): E.Either<ConfigIssue[], EmailConfig> {
  const issues: ConfigIssue[] = [];
  if (email.to_addrs.length === 0) issues.push({ path: 'alerts.email.to_addrs', message: 'expected at least one address' });
  if (email.password !== undefined && email.password_file !== undefined) {
    issues.push({ path: 'alerts.email.password_file', message: 'give either password or password_file, not both' });
  }
  let password = email.password;
  if (email.password_file !== undefined) {
    const file = isAbsolute(email.password_file)
      ? email.password_file
      : resolve(options.baseDir ?? '.', email.password_file);
    try {
      password = (options.readSecretFile ?? ((p) => readFileSync(p, 'utf8')))(file).replace(/\r?\n$/, '');
    } catch (error) {
      issues.push({ path: 'alerts.email.password_file', message: `cannot read ${file}: ${errorMessage(error)}` });
    }
  }
  if (email.username && password === undefined) {
    issues.push({ path: 'alerts.email.password', message: 'is required when username is set (or use password_file)' });
  }
  if (issues.length > 0) return E.left(issues);
  return E.right({
    smtp_host: email.smtp_host,
    smtp_port: email.smtp_port,
    ...(email.username ? { username: email.username } : {}),
    ...(password !== undefined ? { password } : {}),
    from_addr: email.from_addr.trim(),
    to_addrs: email.to_addrs.map((a) => a.trim()),
    secure: email.secure ?? email.smtp_port === 465,
    group_wait_ms: email.group_wait_ms ?? 5000,
    ...(email.allow_insecure_auth ? { allow_insecure_auth: true } : {}),
  });
}

/**
 * Decodes a parsed YAML value into a {@link Config}: expands `${ENV}`
 * references, rejects unknown keys (with a did-you-mean hint), checks types and
 * ranges, and fills in defaults.
 *
 * @returns `Right(config)`, or `Left(issues)`, each naming the dotted key path.
 * @example
 * decodeConfig({ exchanges: { binance: { symbols: ['btcusdt'] } } }, { env: {} });
 * // Right: exchanges.binance.symbols is ['BTC/USDT'], thresholds are the seed's
 */
export function decodeConfig(value: unknown, options: DecodeOptions = {}): E.Either<ConfigIssue[], Config> {
  if (value === null || value === undefined) return E.left([{ path: '', message: 'the config file is empty' }]);
  if (typeof value !== 'object' || Array.isArray(value)) {
    return E.left([{ path: '', message: 'expected a mapping with an "exchanges" key at the top level' }]);
  }
  const expanded = expandEnv(value, options.env ?? process.env);
  if (expanded.issues.length > 0) return E.left([...expanded.issues]);
  const unknown = findUnknownKeys(ConfigFileCodec, expanded.value);
  if (unknown.length > 0) return E.left(unknown);
  const decoded = ConfigFileCodec.decode(expanded.value);
  if (E.isLeft(decoded)) return E.left(reportErrors(decoded.left));
  const file = decoded.right;

  const issues: ConfigIssue[] = [];
  const exchanges: Partial<Record<ExchangeId, ExchangeConfig>> = {};
  const notes: ConfigIssue[] = [];
  for (const id of EXCHANGE_IDS) {
    const written = file.exchanges[id];
    if (!written) continue;
    // Aliases resolved in the names, whether written as a string or as an object's `symbol`.
    const names = withExchangeAliases(id, written.symbols.map(symbolOf), notes);
    const symbols = written.symbols.map((entry, i) => (typeof entry === 'string' ? names[i]! : { ...entry, symbol: names[i]! }));
    const exchange: ExchangeFile = { ...written, symbols };
    issues.push(...checkExchange(id, exchange));
    exchanges[id] = toExchangeConfig(exchange);
  }
  if (!Object.values(exchanges).some((exchange) => exchange.enabled)) {
    issues.push({ path: 'exchanges', message: `no enabled exchange; configure one of ${EXCHANGE_IDS.join(', ')}` });
  }
  let email: EmailConfig | undefined;
  if (file.alerts?.email) {
    const decodedEmail = toEmailConfig(file.alerts.email, options);
    if (E.isLeft(decodedEmail)) issues.push(...decodedEmail.left);
    else email = decodedEmail.right;
  }
  const decodedChannels = decodeChannels(file.alerts);
  const channels: DecodedChannels = E.isRight(decodedChannels) ? decodedChannels.right : { webhooks: [] };
  if (E.isLeft(decodedChannels)) issues.push(...decodedChannels.left);
  const silences = (file.alerts?.silences ?? []).map((silence, i): Silence => {
    if (Object.keys(silence.match).length === 0) {
      issues.push({ path: `alerts.silences[${i}].match`, message: 'expected at least one of exchange, symbol, rule' });
    }
    return {
      id: `config-${i + 1}`,
      match: silence.match,
      ...(silence.until !== undefined ? { until: silence.until } : {}),
      ...(silence.comment ? { comment: silence.comment } : {}),
      source: 'config',
    };
  });
  const quiet = file.alerts?.quiet_hours;
  if (quiet && quiet.from === quiet.to) issues.push({ path: 'alerts.quiet_hours.to', message: 'must differ from from (quiet hours of no length)' });
  const decodedDivergence = file.alerts?.divergence ? decodeDivergence(file.alerts.divergence, exchanges) : undefined;
  if (decodedDivergence) {
    issues.push(...decodedDivergence.issues);
    notes.push(...decodedDivergence.notes);
  }
  if (issues.length > 0) return E.left(issues);
  for (const note of notes) options.onNote?.(note);

  const alerts: AlertsConfig = {
    thresholds: { ...DEFAULT_THRESHOLDS, ...file.alerts?.thresholds },
    hysteresis: file.alerts?.hysteresis ?? 0.2,
    level_hysteresis: file.alerts?.level_hysteresis ?? DEFAULT_LEVEL_HYSTERESIS,
    feed_down_after_ms: file.alerts?.feed_down_after_ms ?? 120_000,
    symbol_silent_after_ms: file.alerts?.symbol_silent_after_ms ?? 600_000,
    ...(email ? { email } : {}),
    ...channels,
    silences,
    ...(decodedDivergence?.divergence ? { divergence: decodedDivergence.divergence } : {}),
    ...(quiet ? { quiet_hours: { from: quiet.from, to: quiet.to, time_zone: quiet.time_zone ?? 'UTC', deliver: quiet.deliver ?? 'digest' } } : {}),
  };
  return E.right({
    exchanges,
    alerts,
    state_dir: file.state_dir ?? 'var/',
    ...(file.http ? { http: { listen: file.http.listen, ...(file.http.public_url ? { public_url: file.http.public_url } : {}) } } : {}),
    ops: {
      ...(file.ops?.heartbeat_url ? { heartbeat_url: file.ops.heartbeat_url } : {}),
      heartbeat_every_ms: file.ops?.heartbeat_every_ms ?? 60_000,
    },
  });
}
