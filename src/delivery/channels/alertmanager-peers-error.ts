import type { DeliveryFailure } from '../channel.js';
import { classifyHttpFailure } from './classify-http-failure.js';

/** One Alertmanager peer that did not take a batch, and why. */
export interface PeerFailure {
  /** `127.0.0.1:9093`: host and port only. */
  readonly host: string;
  readonly error: unknown;
}

/** Every Alertmanager peer refused or missed a batch (code `EALLPEERS`). */
export class AlertmanagerPeersError extends Error {
  override readonly name = 'AlertmanagerPeersError';
  readonly code = 'EALLPEERS';
  constructor(readonly failures: readonly PeerFailure[]) {
    super(
      `no Alertmanager peer took the alerts: ${failures
        .map(({ host, error }) => `${host}: ${classifyHttpFailure(error).reason}`)
        .join('; ')}`,
    );
  }
}

/**
 * The Alertmanager channel's `classify`: a batch failed only when every peer
 * failed (one peer that accepted shares it with the others by gossip).
 *
 * 1. Permanent only when every peer's failure is permanent (each as
 *    `classifyHttpFailure` says): a peer that is down may take it later.
 * 2. `retryAfterMs`: the shortest wait any temporarily failing peer asked for.
 * 3. Anything else is classified as `classifyHttpFailure` does.
 *
 * @example
 * classifyAlertmanagerFailure(new AlertmanagerPeersError([{ host: 'a:9093', error: http500 }, { host: 'b:9093', error: http400 }])).permanent;
 * // Logs: false
 */
export function classifyAlertmanagerFailure(error: unknown): DeliveryFailure {
  if (!(error instanceof AlertmanagerPeersError)) return classifyHttpFailure(error);
  const each = error.failures.map(({ error: peerError }) => classifyHttpFailure(peerError));
  const temporary = each.filter((failure) => !failure.permanent);
  const waits = temporary.flatMap((failure) => (failure.retryAfterMs !== undefined ? [failure.retryAfterMs] : []));
  return {
    permanent: temporary.length === 0,
    reason: error.message,
    ...(waits.length > 0 ? { retryAfterMs: Math.min(...waits) } : {}),
  };
}
