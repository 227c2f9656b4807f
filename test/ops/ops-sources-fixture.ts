import { Subject } from 'rxjs';
import type { Alert } from '../../src/domain/alert.js';
import type { FeedEvent } from '../../src/domain/feed-status.js';
import type { HeartbeatResult } from '../../src/ops/heartbeat-pings.js';
import type { ChannelEvent, SilenceView, SymbolView } from '../../src/ops/ops-sources.js';

/** Subjects standing in for the supervisor's hot streams: binance (BTC/USDT, ETH/USDT) and kraken (BTC/USD). */
export function makeSources() {
  return {
    feeds: [
      { exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'] },
      { exchange: 'kraken', symbols: ['BTC/USD'] },
    ],
    feedEvents$: new Subject<FeedEvent>(),
    symbols$: new Subject<SymbolView>(),
    alerts$: new Subject<Alert>(),
    silences$: new Subject<SilenceView>(),
    deliveries$: new Subject<ChannelEvent>(),
    latencyMs$: new Subject<number>(),
    heartbeats$: new Subject<HeartbeatResult>(),
  };
}
