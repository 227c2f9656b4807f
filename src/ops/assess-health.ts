import type { FeedState } from '../domain/feed-status.js';

/** What health needs to know about one enabled feed. */
export interface FeedHealthInput {
  readonly exchange: string;
  /** Absent until the feed reported a status. */
  readonly state?: FeedState;
  /** When the state began (ms). */
  readonly since?: number;
  /** While not live: when the feed was last live (or started), kept across retries. */
  readonly notLiveSince?: number;
  readonly reconnects: number;
  readonly reason?: string;
}

/** The answer of `GET /readyz` (and its alias `/healthz`). */
export interface HealthReport {
  /** `ok`: every feed live; `starting`: in the startup grace, none failed yet; `down`: see `reasons`. */
  readonly status: 'ok' | 'starting' | 'down';
  /** 200 for `ok` and `starting`, 503 for `down`. */
  readonly httpStatus: 200 | 503;
  readonly feeds: ReadonlyArray<{ exchange: string; state: FeedState | 'unknown'; since?: number; notLiveSince?: number; reconnects: number }>;
  /**
   * One line per feed that is not live, the outage counted from the last
   * moment it was live, e.g. `binance: backoff, not live since 2025-01-01T10:00:00.000Z (server closed 1006)`.
   */
  readonly reasons: readonly string[];
}

/**
 * Decides whether the service can see: healthy when every enabled feed is
 * `live`. During the first `startupGraceMs` after start, a feed still on its
 * first connection (`connecting`, no reconnect yet, or no status at all)
 * counts as `starting`, not down; a feed that already failed is down at once.
 *
 * @example
 * assessHealth([{ exchange: 'binance', state: 'live', since: 0, reconnects: 0 }], 5_000, 0, 10_000).status;
 * // 'ok'
 */
export function assessHealth(
  feeds: readonly FeedHealthInput[],
  now: number,
  startedAt: number,
  startupGraceMs: number,
): HealthReport {
  const reasons: string[] = [];
  let starting = false;
  for (const feed of feeds) {
    if (feed.state === 'live') continue;
    const firstAttempt = feed.state === undefined || (feed.state === 'connecting' && feed.reconnects === 0);
    if (firstAttempt && now - startedAt < startupGraceMs) {
      starting = true;
    } else if (firstAttempt) {
      reasons.push(`${feed.exchange}: not live ${Math.round((now - startedAt) / 1000)} s after start (${feed.state ?? 'no status yet'})`);
    } else {
      const from = feed.notLiveSince ?? feed.since;
      const since = from === undefined ? '' : `, not live since ${new Date(from).toISOString()}`;
      reasons.push(`${feed.exchange}: ${feed.state}${since}${feed.reason ? ` (${feed.reason})` : ''}`);
    }
  }
  const status = reasons.length > 0 ? 'down' : starting ? 'starting' : 'ok';
  return {
    status,
    httpStatus: status === 'down' ? 503 : 200,
    feeds: feeds.map(({ exchange, state, since, notLiveSince, reconnects }) => ({
      exchange, state: state ?? 'unknown', ...(since === undefined ? {} : { since }),
      ...(notLiveSince === undefined ? {} : { notLiveSince }), reconnects,
    })),
    reasons,
  };
}
