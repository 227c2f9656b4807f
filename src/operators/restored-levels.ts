import type { DedupeLevel } from '../domain/dedupe-level.js';
import type { Thresholds } from '../domain/config-types.js';
import { ALERT_SLOTS, alertSlot } from './alert-slot.js';

/**
 * Restored dedupe levels, looked up once per (exchange, symbol) when its state is
 * created: a key starts at its restored level instead of 0 (armed), unless the
 * level is stale.
 *
 * A level is stale when it was set more than its rule's window before the key's
 * first tick (`window_24h_ms` for `pct_24h`, `window_short_ms` for `pct_short`):
 * the move it belonged to is out of every window the rules read, so the key
 * starts armed. Immutable once built, so one instance serves every subscription.
 */
export class RestoredLevels {
  /** exchange -> symbol -> restored level per slot of {@link ALERT_SLOTS}. */
  private readonly byExchange = new Map<string, Map<string, (DedupeLevel | undefined)[]>>();
  private readonly windowBySlot: readonly number[];

  /**
   * @param levels the restored levels; on a repeated key the last one wins
   * @param thresholds supplies the rules' windows
   * @throws RangeError for a level that is not an integer >= 1 or a `ts` that is not finite
   */
  constructor(levels: readonly DedupeLevel[], thresholds: Thresholds) {
    this.windowBySlot = ALERT_SLOTS.map(({ rule }) => (rule === 'pct_24h' ? thresholds.window_24h_ms : thresholds.window_short_ms));
    for (const restored of levels) {
      if (!Number.isInteger(restored.level) || restored.level < 1 || !Number.isFinite(restored.ts)) {
        throw new RangeError(
          `a restored dedupe level needs an integer level >= 1 and a finite ts, got level ${restored.level}, ts ${restored.ts} ` +
            `for ${restored.exchange} ${restored.symbol} ${restored.rule} ${restored.direction}`,
        );
      }
      let bySymbol = this.byExchange.get(restored.exchange);
      if (bySymbol === undefined) {
        bySymbol = new Map();
        this.byExchange.set(restored.exchange, bySymbol);
      }
      let slots = bySymbol.get(restored.symbol);
      if (slots === undefined) {
        slots = new Array<DedupeLevel | undefined>(ALERT_SLOTS.length).fill(undefined);
        bySymbol.set(restored.symbol, slots);
      }
      slots[alertSlot(restored.rule, restored.direction)] = restored;
    }
  }

  /** True when nothing was restored (the lookup can be skipped). */
  get empty(): boolean {
    return this.byExchange.size === 0;
  }

  /**
   * Writes the restored, not stale, levels of (exchange, symbol) into `levels`
   * (indexed by slot), judged at `ts`: the time of the key's first tick.
   */
  seed(exchange: string, symbol: string, ts: number, levels: Float64Array): void {
    const slots = this.byExchange.get(exchange)?.get(symbol);
    if (slots === undefined) return;
    for (let slot = 0; slot < slots.length; slot++) {
      const restored = slots[slot];
      if (restored !== undefined && ts - restored.ts <= this.windowBySlot[slot]!) levels[slot] = restored.level;
    }
  }
}
