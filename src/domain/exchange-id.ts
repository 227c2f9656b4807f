/**
 * The exchanges we ship connectors for: the one list of ids. The config
 * decoder accepts exactly these keys under `exchanges`, and
 * `src/connectors/exchange-connectors.ts` must map each to its connector (the
 * compiler refuses an id without one, a test an id that differs from the
 * connector's own).
 */
export const EXCHANGE_IDS = ['binance', 'coinbase', 'kraken', 'okx', 'bybit', 'bitstamp'] as const;

/** One of {@link EXCHANGE_IDS}. */
export type ExchangeId = (typeof EXCHANGE_IDS)[number];
