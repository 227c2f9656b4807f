import type { DedupeLevel } from '../domain/dedupe-level.js';
import { RULE_TABLE, ruleRow } from './rule-table.js';

/**
 * Restored dedupe levels, looked up once per (exchange, symbol) when its state is
 * created: a key starts at its restored level instead of 0 (armed), unless the
 * level is stale.
 *
 * A level is stale when it was set more than its rule's window before the key's
 * first tick (`window_24h_ms` for `pct_24h`, the symbol's `window_short_ms` for
 * `pct_short`): the move it belonged to is out of every window the rules read, so
 * the key starts armed. A price level (`level_above`, `level_below`) is never
 * stale: a crossed level stays crossed until the price moves back past it.
 * Immutable once built, so one instance serves every subscription.
 */
export class RestoredLevels {
  /** exchange -> symbol -> restored level per row of `RULE_TABLE`. */
  private readonly byExchange = new Map<string, Map<string, (DedupeLevel | undefined)[]>>();

  /**
   * @param levels the restored levels; on a repeated key the last one wins
   * @throws RangeError for a level that is not an integer >= 1, a `ts` that is not finite, or a (rule, direction) that is no rule
   */
  constructor(levels: readonly DedupeLevel[]) {
    for (const restored of levels) {
      if (ruleRow(restored.rule, restored.direction) < 0) {
        throw new RangeError(`a restored dedupe level needs a known rule and direction, got ${restored.rule} ${restored.direction}`);
      }
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
        slots = new Array<DedupeLevel | undefined>(RULE_TABLE.length).fill(undefined);
        bySymbol.set(restored.symbol, slots);
      }
      slots[ruleRow(restored.rule, restored.direction)] = restored;
    }
  }

  /** True when nothing was restored (the lookup can be skipped). */
  get empty(): boolean {
    return this.byExchange.size === 0;
  }

  /**
   * Writes the restored, not stale, levels of (exchange, symbol) into `levels`
   * (indexed by row), judged at `ts`: the time of the key's first tick, against
   * each row's window in `windows` (the symbol's `SymbolRuleSet.windows`).
   */
  seed(exchange: string, symbol: string, ts: number, levels: Float64Array, windows: Float64Array): void {
    const rows = this.byExchange.get(exchange)?.get(symbol);
    if (rows === undefined) return;
    for (let row = 0; row < rows.length; row++) {
      const restored = rows[row];
      if (restored !== undefined && ts - restored.ts <= windows[row]!) levels[row] = restored.level;
    }
  }
}
