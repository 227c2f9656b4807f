import type { Thresholds } from '../domain/config-types.js';

/**
 * Checks `alerts.hysteresis` and the thresholds the way the config codec does, for library callers.
 *
 * @throws RangeError for a hysteresis outside [0, 1) or a threshold that is not positive
 */
export function checkAlertSettings(thresholds: Thresholds, hysteresis: number): void {
  if (!(hysteresis >= 0 && hysteresis < 1)) {
    throw new RangeError(`hysteresis must be a fraction from 0 (inclusive) to 1 (exclusive), got ${hysteresis}`);
  }
  if (!(thresholds.pct_24h > 0) || !(thresholds.pct_short > 0)) {
    throw new RangeError(`thresholds must be positive fractions, got pct_24h ${thresholds.pct_24h}, pct_short ${thresholds.pct_short}`);
  }
}
