import { closeSync, type FSWatcher, mkdtempSync, openSync, readSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { decodeConfig } from '../src/config/decode-config.js';
import { createLogger } from '../src/log.js';
import { createSupervisor } from '../src/supervisor/create-supervisor.js';
import { FakeBinanceServer } from '../test/helpers/fake-binance-server.js';
import { waitUntil } from '../test/helpers/fake-exchange-server.js';

/** Options of {@link measureLiveLatency}. */
export interface LiveLatencyOptions {
  /** Alerts timed. Default 1000. */
  readonly alerts?: number;
  /** Alerts raised first and not timed (JIT, socket and file warm-up). Default 200. */
  readonly warmUp?: number;
  /** Binance symbols of the feed; each raises an alert every other visit. Default 100. */
  readonly symbols?: number;
  /** Pause between two alert-raising frames, ms. Default 2. */
  readonly pauseMs?: number;
}

/** What {@link measureLiveLatency} measured, in milliseconds. */
export interface LiveLatencyResult {
  readonly alerts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** Frames pushed in all (the re-arming ones included). */
  readonly frames: number;
}

/**
 * Measurement 5: a fake Binance on 127.0.0.1 pushes 24hrTicker frames to the real
 * service (`createSupervisor(config).run()`: socket, connector, feed tracker,
 * `detectAlerts`, alert log line, journal append), and each alert's time from
 * the push of its frame to its line being in `<state_dir>/alerts.jsonl`.
 *
 * Each symbol alternates a re-arming frame (price = 24 h open) and an alerting one
 * (price 6 % above or below the open, direction alternating), so every second
 * frame raises exactly one `pct_24h` alert; the price itself never moves, so
 * `pct_short` never fires. Frames go out one alerting pair at a time, `pauseMs` apart.
 *
 * Method and resolution: the push time is `performance.now()` just before the
 * frame is sent; the journal is watched with `fs.watch` (inotify) and read from
 * the last offset on every change, each new line timed with `performance.now()`
 * when read (microsecond clock). The server, the service and the watcher share
 * one process and event loop, so a line is seen on the loop turn after the one
 * that wrote it: the figures are upper bounds, over by up to one loop turn.
 *
 * @example
 * const latency = await measureLiveLatency();
 * latency.p99Ms; // e.g. 1.2
 */
export async function measureLiveLatency(options: LiveLatencyOptions = {}): Promise<LiveLatencyResult> {
  const timed = options.alerts ?? 1000;
  const warmUp = options.warmUp ?? 200;
  const symbolCount = options.symbols ?? 100;
  const pauseMs = options.pauseMs ?? 2;
  const symbols = Array.from({ length: symbolCount }, (_, i) => `LAT${String(i + 1).padStart(4, '0')}/USDT`);
  const dir = mkdtempSync(join(tmpdir(), 'crypto-supervisor-bench-'));
  const server = await FakeBinanceServer.start();
  const decoded = decodeConfig(
    { exchanges: { binance: { symbols, url: server.url } }, state_dir: join(dir, 'state') },
    { env: {} },
  );
  if (E.isLeft(decoded)) throw new Error(`bench config: ${decoded.left.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  // A real logger that formats every line but writes nowhere: the cost of logging without the terminal.
  const handle = createSupervisor(decoded.right, { logger: createLogger('supervisor', { write: () => undefined }) }).run();
  let watcher: FSWatcher | undefined;
  let fd: number | undefined;
  try {
    await handle.ready;
    await waitUntil(() => server.openConnections === 1, 'the service to connect to the fake Binance');
    const journal = join(dir, 'state', 'alerts.jsonl');
    fd = openSync(journal, 'r');

    const pushedAt = new Map<string, number>();
    const latencies: number[] = [];
    let offset = 0;
    let partial = '';
    const buffer = Buffer.alloc(1 << 16);
    const drain = () => {
      for (;;) {
        const bytes = readSync(fd!, buffer, 0, buffer.length, offset);
        if (bytes === 0) break;
        offset += bytes;
        const now = performance.now();
        const lines = (partial + buffer.toString('utf8', 0, bytes)).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          const alert = JSON.parse(line) as { kind: string; symbol: string; ts: number };
          // The journal also records each re-arm (the symbol fell back under its threshold): not an alert.
          if (alert.kind === 'rearm') continue;
          const key = `${alert.symbol} ${alert.ts}`;
          const at = pushedAt.get(key);
          if (at === undefined) throw new Error(`journal line for a frame that was not pushed: ${line}`);
          pushedAt.delete(key);
          latencies.push(now - at);
        }
      }
    };
    watcher = watch(journal, drain);

    const total = warmUp + timed;
    const price = 100;
    let ts = Date.now();
    let frames = 0;
    for (let n = 0; n < total; n++) {
      const symbol = symbols[n % symbolCount]!;
      // Each visit re-arms the symbol, then moves it 6 % from its open, up and down in turn.
      const up = Math.floor(n / symbolCount) % 2 === 0;
      server.pushTicker(symbol, price, { ts: ++ts, open24h: price });
      ts += 1;
      pushedAt.set(`${symbol} ${ts}`, performance.now());
      server.pushTicker(symbol, price, { ts, open24h: up ? price / 1.06 : price / 0.94 });
      frames += 2;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    await waitUntil(() => { drain(); return latencies.length >= total; }, `${total} alerts in the journal`, 10_000);
    const sorted = latencies.slice(warmUp).sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return {
      alerts: sorted.length,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted[sorted.length - 1]!,
      meanMs: sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length,
      frames,
    };
  } finally {
    watcher?.close();
    if (fd !== undefined) closeSync(fd);
    await handle.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
