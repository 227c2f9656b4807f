import type { ExchangeId } from '../domain/exchange-id.js';
import { binance } from './binance.js';
import { coinbase } from './coinbase.js';
import type { Connector } from './connector.js';
import { kraken } from './kraken.js';

/**
 * The connectors shipped for each {@link ExchangeId}.
 *
 * @example
 * exchangeConnectors.kraken.url; // 'wss://ws.kraken.com/v2'
 */
export const exchangeConnectors: Readonly<Record<ExchangeId, Connector>> = { binance, coinbase, kraken };
