import type { FrameRejection } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { FeedControl, ParsedFrame } from './connector.js';

/**
 * Builders of {@link ParsedFrame} values for connectors' `parse`, so a parser
 * reads as a list of cases. The two constants are shared (frozen): most
 * frames of a busy feed are ticks, the rest need no allocation.
 */

/** A message of the exchange's heartbeat channel: proves the data path (see `ConnectorLiveness`). */
export const heartbeatFrame: ParsedFrame = Object.freeze({ kind: 'heartbeat' });

/** An ack, a pong, an answer, a status: proves the transport only. */
export const transportFrame: ParsedFrame = Object.freeze({ kind: 'transport' });

/**
 * Market data: the frame's ticks.
 *
 * @example
 * ticksFrame([tick]); // { kind: 'ticks', ticks: [tick] }
 */
export function ticksFrame(ticks: readonly Tick[]): ParsedFrame {
  return { kind: 'ticks', ticks };
}

/**
 * A control the lifecycle acts on (shutdown announced, symbol refused, error).
 *
 * @example
 * controlFrame({ kind: 'shutdown', message: 'server announced shutdown' });
 */
export function controlFrame(control: FeedControl): ParsedFrame {
  return { kind: 'control', control };
}

/**
 * A frame that is not what the protocol says.
 *
 * @example
 * rejectedFrame(rejectFrame('not_json', 'hello')); // { kind: 'rejected', rejection: { reason: 'not_json', excerpt: 'hello' } }
 */
export function rejectedFrame(rejection: FrameRejection): ParsedFrame {
  return { kind: 'rejected', rejection };
}
