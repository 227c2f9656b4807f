import type { FrameRejection } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { FeedControl, ParsedFrame } from './connector.js';
import { isJsonObject, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';

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

/**
 * The ticks of a push whose `data` is an array of entries, one tick each (OKX
 * `tickers`, Kraken v2 `ticker`): all of them, or the frame rejected whole at
 * the first entry that is not an object or not a valid tick, so a half-read
 * frame never becomes ticks.
 *
 * @example
 * ticksOfDataArray(message['data'], frame, (entry) => tickOf(entry, frame, receivedAt));
 * // { kind: 'ticks', ticks: [...] } or { kind: 'rejected', rejection: { reason: 'wrong_shape', ... } }
 */
export function ticksOfDataArray(data: unknown, frame: string, readTick: (entry: JsonObject) => Tick | FrameRejection): ParsedFrame {
  if (!Array.isArray(data) || data.length === 0) return rejectedFrame(rejectFrame('wrong_shape', frame, 'data is not a non-empty array'));
  const ticks: Tick[] = [];
  for (const entry of data) {
    if (!isJsonObject(entry)) return rejectedFrame(rejectFrame('wrong_shape', frame, 'data entry is not an object'));
    const tick = readTick(entry);
    if ('reason' in tick) return rejectedFrame(tick);
    ticks.push(tick);
  }
  return ticksFrame(ticks);
}
