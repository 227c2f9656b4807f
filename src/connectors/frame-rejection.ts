import type { FrameRejection, RejectionReason } from '../domain/feed-status.js';

/** Longest excerpt of a bad frame kept for the log. */
export const EXCERPT_CHARS = 120;

/**
 * A typed rejection of one frame, with a short single-line excerpt for the log.
 *
 * @example
 * rejectFrame('not_json', 'hello');
 * // { reason: 'not_json', excerpt: 'hello' }
 */
export function rejectFrame(reason: RejectionReason, frame: string, detail?: string): FrameRejection {
  const flat = frame.length > EXCERPT_CHARS ? `${frame.slice(0, EXCERPT_CHARS)}…` : frame;
  const excerpt = flat.replace(/[\r\n]+/g, ' ');
  return detail === undefined ? { reason, excerpt } : { reason, excerpt, detail };
}

