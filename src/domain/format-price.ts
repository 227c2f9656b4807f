/**
 * A price as the status page shows it: thousands separated, 2 decimals from
 * 100 up, up to 4 from 1, up to 8 below 1 (at least 2), so a reader sees the
 * same figure on the page and in an email. `—` for a missing price.
 *
 * @example
 * formatPrice(68123.4);
 * // Logs: 68,123.40
 */
export function formatPrice(price: number | undefined): string {
  if (typeof price !== 'number' || !Number.isFinite(price)) return '\u2014';
  const digits = price >= 100 ? 2 : price >= 1 ? 4 : 8;
  return price.toLocaleString('en-US', { minimumFractionDigits: Math.min(2, digits), maximumFractionDigits: digits });
}
