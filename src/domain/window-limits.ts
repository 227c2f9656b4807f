/**
 * Longest rule window, ms (2^32 - 2^16, about 49.7 days). A price window keeps
 * its times as 32-bit offsets from a base that moves forward with time, so
 * everything a window still needs must lie within 2^32 ms of it. The config
 * refuses a longer `window_24h_ms` or `window_short_ms` with the key path.
 */
export const MAX_WINDOW_MS = 2 ** 32 - 2 ** 16;
