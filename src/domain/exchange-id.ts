/** The exchanges we ship connectors for. */
export const EXCHANGE_IDS = ['binance', 'coinbase', 'kraken'] as const;

/** One of {@link EXCHANGE_IDS}. */
export type ExchangeId = (typeof EXCHANGE_IDS)[number];
