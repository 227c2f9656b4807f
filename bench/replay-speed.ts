import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PriceAlert } from '../src/domain/alert.js';
import { formatTickLine } from '../src/replay/format-tick-line.js';
import type { GeneratedMarket } from './generate-day.js';

/** What {@link measureReplaySpeed} measured. */
export interface ReplaySpeedResult {
  /** Ticks in the file. */
  readonly ticks: number;
  readonly fileBytes: number;
  /** Simulated time from the first tick to the last, ms. */
  readonly spanMs: number;
  /** From spawning `node dist/cli.js --replay` to its exit, ms (node's start-up included). */
  readonly wallMs: number;
  /** `spanMs / wallMs`. */
  readonly timesRealTime: number;
  /** The summary line the CLI printed. */
  readonly summary: string;
  /** The alerts it journaled. */
  readonly alerts: readonly PriceAlert[];
}

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Measurement 6: writes the generated day as a tick file (`formatTickLine`, one
 * tick per line, in a temporary directory), runs the built CLI on it
 * (`node dist/cli.js --config <tmp> --replay <file>`, as a user would) and times
 * it from spawn to exit. The ratio is the day's simulated span over that wall
 * time. The temporary directory (file, config, journal) is removed afterwards.
 *
 * @throws Error when `dist/cli.js` is missing (run `npm run build`; `npm run bench` does)
 *   or the CLI exits with an error
 *
 * @example
 * const replay = await measureReplaySpeed(generateDay());
 * replay.timesRealTime; // e.g. 20000: a day replays in about 4 s
 */
export async function measureReplaySpeed(market: GeneratedMarket): Promise<ReplaySpeedResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
  const dir = mkdtempSync(join(tmpdir(), 'crypto-supervisor-bench-'));
  try {
    const file = join(dir, 'day.jsonl');
    const fd = openSync(file, 'w');
    let ticks = 0;
    let bytes = 0;
    let firstTs = Number.NaN;
    let lastTs = Number.NaN;
    for (const chunk of market.ticks(market.dayStartMs, market.dayStartMs + market.dayMs, 25)) {
      let text = '';
      for (const tick of chunk) text += `${formatTickLine(tick)}\n`;
      bytes += writeSync(fd, text);
      ticks += chunk.length;
      if (Number.isNaN(firstTs)) firstTs = chunk[0]!.ts;
      lastTs = chunk[chunk.length - 1]!.ts;
    }
    closeSync(fd);
    const config = join(dir, 'config.yaml');
    const stateDir = join(dir, 'state');
    // JSON is YAML: the CLI needs a valid config; replay feeds every tick in the file, whatever the symbols.
    writeFileSync(config, JSON.stringify({ exchanges: { binance: { symbols: [market.symbols[0][0]] } }, state_dir: stateDir }));

    const started = process.hrtime.bigint();
    const { code, stdout, stderr } = await run(process.execPath, [CLI, '--config', config, '--replay', file]);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (code !== 0) throw new Error(`--replay exited with ${code}: ${stderr.trim() || stdout.trim()}`);
    const summary = stdout.split('\n').find((line) => line.startsWith('replayed ')) ?? '';
    const journal = join(stateDir, 'alerts.jsonl');
    const alerts = existsSync(journal)
      ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as PriceAlert | { kind: 'rearm' })
          // The journal also records each re-arm: not an alert.
          .filter((entry): entry is PriceAlert => entry.kind !== 'rearm')
      : [];
    const spanMs = lastTs - firstTs;
    return { ticks, fileBytes: bytes, spanMs, wallMs, timesRealTime: spanMs / wallMs, summary, alerts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
