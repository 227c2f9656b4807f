/**
 * One normalized price observation from one exchange.
 *
 * Every connector turns its exchange's native frames into `Tick`s; everything
 * downstream (state, windows, rules, recording, replay) speaks only this type.
 */
export interface Tick {
  /** Exchange id as in the config, e.g. `binance`. */
  readonly exchange: string;
  /** Canonical `BASE/QUOTE` symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
  /** Last traded price, a positive finite number. */
  readonly price: number;
  /** Exchange event time, epoch milliseconds. The core's clock runs on this. */
  readonly ts: number;
  /** Best bid, when the exchange sends it. */
  readonly bid?: number;
  /** Best ask, when the exchange sends it. */
  readonly ask?: number;
  /** The exchange's own rolling 24 h open price, when it sends one. */
  readonly open24h?: number;
  /** Local receive time, epoch milliseconds (absent in hand-written tick files). */
  readonly receivedAt?: number;
  /**
   * Set on the first tick of a symbol after the feed was blind (a reconnect):
   * the time (ms) from which nothing could be seen. The windows treat
   * `[blindFrom, ts]` as uncovered instead of assuming the old price held.
   */
  readonly blindFrom?: number;
}
