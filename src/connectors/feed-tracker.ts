import { asyncScheduler, type Observer, type SchedulerLike } from 'rxjs';
import type { FeedEvent, FeedState, FeedStatus } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import { type Logger, silentLogger } from '../log.js';

/** The state of one connection of a feed (a feed may need several, e.g. Binance beyond 1024 streams). */
export type LineState = Exclude<FeedState, 'stopped'>;

// The feed shows its worst connection: one stale connection makes the feed stale.
const RANK: Readonly<Record<LineState, number>> = { live: 0, connecting: 1, backoff: 2, stale: 3, degraded: 4 };

interface Blind {
  /** When the connection was lost (local ms). */
  readonly lostAt: number;
  /** The last tick before the outage (exchange ms), or `lostAt` when the connection carried none. */
  readonly from: number;
  /** Symbols whose first tick after the outage has not arrived yet. */
  readonly pending: Set<string>;
  gapReported: boolean;
}

interface Line {
  state: LineState;
  reason: string | undefined;
  everLive: boolean;
  /** How many extra connections are open during a seamless handover. */
  overlap: number;
  blind: Blind | undefined;
  /** Closed for good (a reload removed all its symbols): no longer part of the feed's status. */
  retired: boolean;
}

const newLine = (): Line => ({ state: 'connecting', reason: undefined, everLive: false, overlap: 0, blind: undefined, retired: false });

/**
 * The bookkeeping of one running feed, shared by its connections: the
 * feed's status (emitted on every change), reconnect count, each symbol's
 * last tick time, the blind intervals after reconnects, and de-duplication
 * while two connections overlap during a handover.
 */
export class FeedTracker {
  private readonly lines: Line[];
  private readonly lastTs = new Map<string, number>();
  private status: FeedStatus | undefined;
  private reconnects = 0;
  /** The start of the current outage (or of the feed); `undefined` while live. */
  private notLiveSince: number | undefined;

  constructor(
    private readonly exchange: string,
    lineCount: number,
    private readonly logger: Logger = silentLogger,
    private readonly scheduler: SchedulerLike = asyncScheduler,
    private readonly events?: Partial<Observer<FeedEvent>>,
  ) {
    this.lines = Array.from({ length: lineCount }, newLine);
  }

  /** The feed's current status, if it has started. */
  current(): FeedStatus | undefined {
    return this.status;
  }

  /**
   * Sets one connection's state; emits the feed's status when it changes. A
   * `degraded` connection stays so through `backoff` and `connecting`: its
   * retries say nothing new until data flows (`live`) or it goes silent (`stale`).
   */
  setState(line: number, state: LineState, reason?: string): void {
    const entry = this.line(line);
    if (entry.state === 'degraded' && (state === 'backoff' || state === 'connecting')) return;
    entry.state = state;
    entry.reason = reason;
    if (state === 'live') entry.everLive = true;
    this.emitWorst();
  }

  /** Adds a connection (a reload added more symbols than the open ones may carry); returns its index. */
  addLine(): number {
    this.lines.push(newLine());
    return this.lines.length - 1;
  }

  /** A connection closed for good (a reload removed all its symbols): the feed's status no longer counts it. */
  retire(line: number): void {
    this.line(line).retired = true;
    this.emitWorst();
  }

  private emitWorst(): void {
    const open = this.lines.filter((line) => !line.retired);
    if (open.length === 0) return;
    const worst = open.reduce((a, b) => (RANK[b.state] > RANK[a.state] ? b : a));
    this.emit(worst.state, worst.reason);
  }

  /** Counts one reconnect attempt. */
  reconnecting(): void {
    this.reconnects += 1;
  }

  /** The feed is stopped (unsubscribed). */
  stop(): void {
    this.emit('stopped', undefined);
  }

  /** A connection that had been live is lost: its symbols are blind until each ticks again. */
  lost(line: number, symbols: readonly string[]): void {
    const entry = this.line(line);
    if (!entry.everLive || entry.blind) return;
    const lostAt = this.scheduler.now();
    const before = symbols.map((symbol) => this.lastTs.get(symbol)).filter((ts): ts is number => ts !== undefined);
    const from = before.length > 0 ? Math.max(...before) : lostAt;
    entry.blind = { lostAt, from, pending: new Set(symbols), gapReported: false };
  }

  /** A second connection of `line` opened (+1) or one of two closed (-1) during a handover. */
  overlap(line: number, delta: 1 | -1): void {
    this.line(line).overlap += delta;
  }

  /** Stops waiting for a symbol the exchange refused. */
  forget(line: number, symbol: string): void {
    const blind = this.line(line).blind;
    blind?.pending.delete(symbol);
    if (blind?.pending.size === 0) this.line(line).blind = undefined;
  }

  /**
   * Passes a tick on, marking the first tick of each symbol after an outage
   * with `blindFrom` (and reporting the feed's gap once), or returns
   * `undefined` for a tick already seen on the other connection of a handover.
   */
  accept(line: number, tick: Tick): Tick | undefined {
    const entry = this.line(line);
    const last = this.lastTs.get(tick.symbol);
    if (entry.overlap > 0 && last !== undefined && tick.ts <= last) return undefined;
    let accepted = tick;
    const blind = entry.blind;
    if (blind) {
      if (!blind.gapReported) {
        blind.gapReported = true;
        this.reportGap(blind.from, tick.ts);
      }
      if (blind.pending.delete(tick.symbol)) accepted = { ...tick, blindFrom: last ?? blind.lostAt };
      if (blind.pending.size === 0) entry.blind = undefined;
    }
    this.lastTs.set(tick.symbol, tick.ts);
    return accepted;
  }

  private reportGap(from: number, to: number): void {
    const seconds = Math.max(0, Math.round((to - from) / 100) / 10);
    this.logger.warn(`blind for ${seconds} s (last tick ${new Date(from).toISOString()}, first after ${new Date(to).toISOString()})`);
    this.events?.next?.({ type: 'gap', gap: { exchange: this.exchange, from, to } });
  }

  private emit(state: FeedState, reason: string | undefined): void {
    if (this.status?.state === state && this.status.reason === reason) return;
    const now = this.scheduler.now();
    if (state === 'live') this.notLiveSince = undefined;
    else this.notLiveSince ??= now;
    this.status = {
      exchange: this.exchange, state, since: now, reconnects: this.reconnects,
      ...(reason !== undefined && { reason }),
      ...(this.notLiveSince !== undefined && { notLiveSince: this.notLiveSince }),
    };
    this.events?.next?.({ type: 'status', status: this.status });
  }

  private line(index: number): Line {
    const entry = this.lines[index];
    if (!entry) throw new RangeError(`no connection ${index}`);
    return entry;
  }
}
