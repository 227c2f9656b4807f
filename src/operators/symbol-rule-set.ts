import type { RuleOverrides, SymbolRules, ThresholdOverrides, Thresholds } from '../domain/config-types.js';
import { MOVE_ROWS, RULE_TABLE } from './rule-table.js';

/**
 * The rules of one (exchange, symbol), resolved once when its state is created:
 * a symbol's thresholds are its own keys, else its exchange's `thresholds`, else
 * `alerts.thresholds`. Indexed by row of {@link RULE_TABLE}.
 */
export interface SymbolRuleSet {
  /** Per row: the threshold (a fraction) of a move row; NaN for a level row. */
  readonly thresholds: Float64Array;
  /** Per row: the window (ms) a dedupe level of the row stays meaningful; Infinity for a level row. */
  readonly windows: Float64Array;
  /** `window_short_ms` of this symbol. */
  readonly windowShortMs: number;
  /** The `above` levels, ascending (the order the price crosses them going up). */
  readonly above: Float64Array;
  /** The `below` levels, descending (the order the price crosses them going down). */
  readonly below: Float64Array;
  /** Rows to evaluate per tick: the move rows, plus the level rows when the symbol has levels. */
  readonly rowCount: number;
}

const EMPTY = new Float64Array(0);

/**
 * Resolves the rules of (exchange, symbol) from the global thresholds and the
 * per-exchange and per-symbol overrides.
 *
 * @example
 * resolveSymbolRules(DEFAULT_THRESHOLDS, { binance: { thresholds: { pct_short: 0.03 } } }, 'binance', 'BTC/USDT').thresholds[2];
 * // Logs: 0.03
 */
export function resolveSymbolRules(thresholds: Thresholds, overrides: RuleOverrides | undefined, exchange: string, symbol: string): SymbolRuleSet {
  const byExchange = overrides?.[exchange];
  const own: SymbolRules | undefined = byExchange?.symbol_rules?.[symbol];
  const ofExchange: ThresholdOverrides | undefined = byExchange?.thresholds;
  const pick = (key: keyof ThresholdOverrides): number => own?.[key] ?? ofExchange?.[key] ?? thresholds[key];
  const pct24h = pick('pct_24h');
  const pctShort = pick('pct_short');
  const windowShortMs = pick('window_short_ms');
  const above = own?.above !== undefined && own.above.length > 0 ? Float64Array.from(own.above).sort() : EMPTY;
  const below = own?.below !== undefined && own.below.length > 0 ? Float64Array.from(own.below).sort().reverse() : EMPTY;
  const byRow = new Float64Array(RULE_TABLE.length);
  const windows = new Float64Array(RULE_TABLE.length);
  RULE_TABLE.forEach((row, i) => {
    byRow[i] = row.threshold === 'pct_24h' ? pct24h : row.threshold === 'pct_short' ? pctShort : Number.NaN;
    windows[i] = row.window === 'day' ? thresholds.window_24h_ms : row.window === 'short' ? windowShortMs : Number.POSITIVE_INFINITY;
  });
  return {
    thresholds: byRow,
    windows,
    windowShortMs,
    above,
    below,
    rowCount: above.length > 0 || below.length > 0 ? RULE_TABLE.length : MOVE_ROWS,
  };
}

/**
 * Checks the overrides the way the config codec does, for library callers.
 *
 * @throws RangeError naming the exchange (and symbol) of a threshold that is not a fraction in (0, 1], a window that is not a whole number of ms > 0, or a level that is not a positive finite price
 */
export function checkRuleOverrides(overrides: RuleOverrides | undefined): void {
  for (const [exchange, byExchange] of Object.entries(overrides ?? {})) {
    if (byExchange === undefined) continue;
    const check = (where: string, rules: SymbolRules) => {
      for (const key of ['pct_24h', 'pct_short'] as const) {
        const value = rules[key];
        if (value !== undefined && !(value > 0 && value <= 1)) throw new RangeError(`${where}.${key} must be a fraction in (0, 1], got ${value}`);
      }
      const window = rules.window_short_ms;
      if (window !== undefined && !(Number.isInteger(window) && window > 0)) throw new RangeError(`${where}.window_short_ms must be a whole number of ms > 0, got ${window}`);
      for (const key of ['above', 'below'] as const) {
        for (const level of rules[key] ?? []) {
          if (!(level > 0 && Number.isFinite(level))) throw new RangeError(`${where}.${key} must list positive finite prices, got ${level}`);
        }
      }
    };
    if (byExchange.thresholds !== undefined) check(`${exchange}.thresholds`, byExchange.thresholds);
    for (const [symbol, rules] of Object.entries(byExchange.symbol_rules ?? {})) check(`${exchange}.${symbol}`, rules);
  }
}
