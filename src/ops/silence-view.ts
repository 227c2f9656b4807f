import { describeSilence, type Silence } from '../domain/silence.js';

/** A silence as the status page lists it: who (config or API, when), what and until when, described on the server. */
export interface SilenceListItem {
  readonly id: string;
  readonly who: string;
  readonly what: string;
}

/**
 * The status page's line of a silence, for its first response and for the
 * `silences` event its open pages receive when the set changes.
 *
 * @example
 * silenceView({ id: 'config-1', match: { symbol: 'DOGE/USDT' }, source: 'config' });
 * // Logs: { id: 'config-1', who: 'config', what: 'symbol=DOGE/USDT forever' }
 */
export function silenceView(silence: Silence): SilenceListItem {
  const who = silence.source === 'config' ? 'config' : `API${typeof silence.createdAt === 'number' && Number.isFinite(silence.createdAt) ? `, ${new Date(silence.createdAt).toISOString()}` : ''}`;
  return { id: silence.id, who, what: describeSilence(silence) };
}
