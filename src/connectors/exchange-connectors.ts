import type { ExchangeId } from '../domain/exchange-id.js';
import { binance } from './binance.js';
import { bitstamp } from './bitstamp.js';
import { bybit } from './bybit.js';
import { coinbase } from './coinbase.js';
import type { Connector } from './connector.js';
import { kraken } from './kraken.js';
import { okx } from './okx.js';

/**
 * The connectors shipped for each {@link ExchangeId}: the registration. An id
 * in `EXCHANGE_IDS` without an entry here does not compile; the config
 * decoder, `--check`, `marketTicks`, the status page and the metrics all read
 * the exchanges from these two lists and nowhere else.
 *
 * @example
 * exchangeConnectors.kraken.url; // 'wss://ws.kraken.com/v2'
 */
export const exchangeConnectors: Readonly<Record<ExchangeId, Connector>> = { binance, coinbase, kraken, okx, bybit, bitstamp };
