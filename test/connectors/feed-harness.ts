import type { Observable, Subscription } from 'rxjs';
import type { ExchangeConfig } from '../../src/domain/config-types.js';
import type { FeedEvent, FeedStatus } from '../../src/domain/feed-status.js';
import type { Tick } from '../../src/domain/tick.js';
import { type ConnectGates, connectGates } from '../../src/connectors/connect-gate.js';
import { createLogger, type Logger } from '../../src/log.js';

/** An exchange config for tests: fast reconnects unless overridden. */
export function testConfig(url: string, symbols: readonly string[], overrides: Partial<ExchangeConfig> = {}): ExchangeConfig {
  return { symbols, reconnect_delay: 0.05, reconnect_max_delay: 0.2, stale_after_ms: 5000, enabled: true, url, ...overrides };
}

/** A logger that keeps its lines (DEBUG and up). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('test', { level: 'DEBUG', write: (line) => lines.push(line), now: () => 0 }), lines };
}

/** A running feed in a test: what it emitted and how to stop it. */
export interface RunningFeed {
  readonly ticks: Tick[];
  readonly events: FeedEvent[];
  readonly errors: unknown[];
  readonly logLines: string[];
  readonly subscription: Subscription;
  /** The states of every status event, in order. */
  states(): string[];
  statuses(): FeedStatus[];
}

/** Subscribes a feed built with the harness's logger and events observer. */
export function runFeed(build: (options: {
  logger: Logger; events: { next: (e: FeedEvent) => void }; random: () => number; connectGates: ConnectGates;
}) => Observable<Tick>): RunningFeed {
  const { logger, lines } = captureLogger();
  const ticks: Tick[] = [];
  const events: FeedEvent[] = [];
  const errors: unknown[] = [];
  // Its own connect gates: a test's attempts never wait for slots booked by the tests before it.
  const subscription = build({ logger, events: { next: (e) => events.push(e) }, random: () => 0.5, connectGates: connectGates() }).subscribe({
    next: (tick) => ticks.push(tick),
    error: (error) => errors.push(error),
  });
  const statuses = () => events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
  return { ticks, events, errors, logLines: lines, subscription, statuses, states: () => statuses().map((s) => s.state) };
}
