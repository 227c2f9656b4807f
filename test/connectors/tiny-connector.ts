import type { Connector } from '../../src/connectors/connector.js';
import { rejectFrame } from '../../src/connectors/frame-rejection.js';

/**
 * A third-party exchange in a few lines, as an embedder would write one: frames like
 * {"sym":"BTC/EUR","px":"1.5","t":1700000000000}, a subscribe message and no
 * unsubscribe. Shared by the specs that run a connector object through the lifecycle.
 */
export const tinyConnector: Connector = {
  id: 'tiny',
  url: 'wss://tiny.invalid/ws',
  limits: { maxSymbolsPerConnection: 100, minConnectIntervalMs: 0, connectionLifetimeMs: Infinity, pingIntervalMs: 20_000, maxFrameBytes: 65_536 },
  liveness: { heartbeat: undefined, staleAfterMs: 30_000 },
  nativeSymbol: (symbol) => symbol,
  subscribeMessages: (symbols) => [JSON.stringify({ subscribe: symbols })],
  parse(frame, receivedAt) {
    try {
      const { sym, px, t } = JSON.parse(frame) as { sym?: string; px?: string; t?: number };
      const price = Number(px);
      if (!sym || !(price > 0) || typeof t !== 'number') return { kind: 'rejected', rejection: rejectFrame('wrong_shape', frame) };
      return { kind: 'ticks', ticks: [{ exchange: 'tiny', symbol: sym, price, ts: t, receivedAt }] };
    } catch {
      return { kind: 'rejected', rejection: rejectFrame('not_json', frame) };
    }
  },
};
