import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { FrameRejection, RejectionReason } from '../domain/feed-status.js';
import type { Logger } from '../log.js';

/** Rate-limited WARN lines for dropped frames. */
export interface RejectionLog {
  /** Logs a dropped frame, or counts it when its reason was logged less than a window ago. */
  report(rejection: FrameRejection): void;
  /** Logs the counts still pending and cancels every timer. */
  close(): void;
}

interface Window {
  suppressed: number;
  last: FrameRejection;
  timer: Subscription;
}

const describe = (rejection: FrameRejection) =>
  `${rejection.detail === undefined ? '' : `${rejection.detail}: `}${rejection.excerpt}`;

const plural = (count: number) => `${count} more frame${count === 1 ? '' : 's'}`;

/**
 * A logger for dropped frames that writes at most one WARN per reason per
 * window: the first frame of a reason is logged at once, and the frames of the
 * same reason within the next `windowMs` are counted and logged as one line
 * when the window ends, so a flood of bad frames cannot flood the log.
 *
 * @example
 * const log = createRejectionLog(logger.child('binance'));
 * log.report(rejectFrame('not_json', 'hello'));  // WARN dropped frame (not_json): hello
 * log.report(rejectFrame('not_json', 'again'));  // counted
 * // Logs (10 s later): dropped 1 more frame (not_json) in the last 10 s; last: again
 */
export function createRejectionLog(logger: Logger, scheduler: SchedulerLike = asyncScheduler, windowMs = 10_000): RejectionLog {
  const windows = new Map<RejectionReason, Window>();
  const seconds = `${windowMs / 1000} s`;

  const flush = (reason: RejectionReason, window: Window) => {
    if (window.suppressed === 0) {
      windows.delete(reason);
      return;
    }
    logger.warn(`dropped ${plural(window.suppressed)} (${reason}) in the last ${seconds}; last: ${describe(window.last)}`);
    window.suppressed = 0;
    window.timer = scheduler.schedule(() => flush(reason, window), windowMs);
  };

  return {
    report(rejection) {
      const open = windows.get(rejection.reason);
      if (open) {
        open.suppressed += 1;
        open.last = rejection;
        return;
      }
      logger.warn(`dropped frame (${rejection.reason}): ${describe(rejection)}`);
      const window: Window = {
        suppressed: 0,
        last: rejection,
        timer: scheduler.schedule(() => flush(rejection.reason, window), windowMs),
      };
      windows.set(rejection.reason, window);
    },
    close() {
      for (const [reason, window] of windows) {
        window.timer.unsubscribe();
        if (window.suppressed > 0) {
          logger.warn(`dropped ${plural(window.suppressed)} (${reason}); last: ${describe(window.last)}`);
        }
      }
      windows.clear();
    },
  };
}
