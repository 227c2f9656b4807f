/** Where a {@link progressLine} writes: the bar's stream and the log's (the same terminal, or not). */
export interface ProgressLineOptions {
  /** Writes to the stream the bar lives on (stderr), as given. */
  readonly writeBar: (chunk: string) => void;
  /** Writes a log chunk (stdout), as given. */
  readonly writeLog: (chunk: string) => void;
}

/** A progress bar redrawn in place, and log lines that never glue to it. */
export interface ProgressLine {
  /** Draws the bar, replacing what it showed before. */
  draw(text: string): void;
  /** Draws the bar a last time and ends its line: later log lines simply follow it. */
  finish(text: string): void;
  /**
   * Writes one log line (the newline is added). While the bar is shown it is
   * cleared first and redrawn after, so the line starts at column 0 and the
   * bar stays the last line on the screen. Pass it as a logger's `write`.
   */
  log(line: string): void;
}

/** Carriage return then erase to the end of the line: the cursor is at column 0 of an empty line. */
const CLEAR = '\r\x1b[K';

/**
 * Coordinates a one-line progress bar (`\r`-redrawn, no newline) with log lines
 * written to the same terminal: without it a log line printed while the bar is
 * shown starts after the bar's last column, glued to it.
 *
 * @example
 * const screen = progressLine({ writeBar: (c) => process.stderr.write(c), writeLog: (c) => process.stdout.write(c) });
 * screen.draw('[####        ] 33 %');
 * screen.log('2026-11-24 09:05:07 [INFO] supervisor.alerts: BTC/USDT +5.08% in 24h on binance');
 * screen.finish('[############] 100 %');
 * // Shows: the log line, then the bar on its own line
 */
export function progressLine(options: ProgressLineOptions): ProgressLine {
  let shown: string | undefined;
  return {
    draw(text) {
      shown = text;
      options.writeBar(`${CLEAR}${text}`);
    },
    finish(text) {
      shown = undefined;
      options.writeBar(`${CLEAR}${text}\n`);
    },
    log(line) {
      if (shown !== undefined) options.writeBar(CLEAR);
      options.writeLog(`${line}\n`);
      if (shown !== undefined) options.writeBar(shown);
    },
  };
}
