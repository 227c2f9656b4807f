import type { RuleOverrides, Thresholds } from '../domain/config-types.js';
import { checkRuleOverrides } from './symbol-rule-set.js';

/**
 * Checks `alerts.hysteresis`, `alerts.level_hysteresis`, the thresholds and the
 * per-exchange and per-symbol overrides the way the config codec does, for library callers.
 *
 * @throws RangeError for a hysteresis outside [0, 1), a threshold that is not positive, or a bad override
 */
export function checkAlertSettings(thresholds: Thresholds, hysteresis: number, levelHysteresis = 0, overrides?: RuleOverrides): void {
  if (!(hysteresis >= 0 && hysteresis < 1)) {
    throw new RangeError(`hysteresis must be a fraction from 0 (inclusive) to 1 (exclusive), got ${hysteresis}`);
  }
  if (!(levelHysteresis >= 0 && levelHysteresis < 1)) {
    throw new RangeError(`level_hysteresis must be a fraction from 0 (inclusive) to 1 (exclusive), got ${levelHysteresis}`);
  }
  if (!(thresholds.pct_24h > 0) || !(thresholds.pct_short > 0)) {
    throw new RangeError(`thresholds must be positive fractions, got pct_24h ${thresholds.pct_24h}, pct_short ${thresholds.pct_short}`);
  }
  checkRuleOverrides(overrides);
}
