import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTickLine } from '../src/replay/format-tick-line.js';
import { SyntheticTicks } from './synthetic-ticks.js';

/** Options of {@link measureReplayVsFloor}; defaults are the (issue 18). */
export interface ReplayVsFloorOptions {
  /** Ticks in the generated file. Default 500,000. */
  readonly ticks?: number;
  /** Symbols the ticks cycle through. Default 1000. */
  readonly symbols?: number;
  /** Runs of each side, interleaved (floor, CLI, floor, CLI, ...). Default 3. */
  readonly rounds?: number;
}

/** What {@link measureReplayVsFloor} measured. */
export interface ReplayVsFloorResult {
  readonly ticks: number;
  readonly symbols: number;
  readonly fileBytes: number;
  /** Wall time of each `--replay` run, spawn to exit, ms. */
  readonly replayMs: readonly number[];
  /** Wall time of each floor run, spawn to exit, ms. */
  readonly floorMs: readonly number[];
  /** Median replay time over median floor time. */
  readonly ratio: number;
  /** The summary line the CLI printed on its last run. */
  readonly summary: string;
}

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./read-parse-floor.mjs', import.meta.url));

/**
 * Measurement 7 (issue 18): `node dist/cli.js --replay` of a generated tick file
 * (`ticks` Binance-like ticks with `open24h`, round-robin over `symbols`, one every
 * 86.4 ms of simulated time, no rule fires) against a floor process that only reads
 * the same file and `JSON.parse`s every line (`bench/read-parse-floor.mjs`), both
 * timed from spawn to exit, run in turn `rounds` times so both see the same noise.
 * The ratio is of the medians. The temporary directory is removed afterwards.
 *
 * @throws Error when `dist/cli.js` is missing, either process fails, or the floor
 *   did not parse every tick
 *
 * @example
 * const { ratio } = await measureReplayVsFloor();
 * ratio; // e.g. 3.7: the replay takes 3.7 times as long as reading and parsing the file
 */
export async function measureReplayVsFloor(options: ReplayVsFloorOptions = {}): Promise<ReplayVsFloorResult> {
  const ticks = options.ticks ?? 500_000;
  const symbols = options.symbols ?? 1000;
  const rounds = options.rounds ?? 3;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
  const dir = mkdtempSync(join(tmpdir(), 'crypto-supervisor-bench-'));
  try {
    const file = join(dir, 'ticks.jsonl');
    const fd = openSync(file, 'w');
    const source = new SyntheticTicks({ symbols, everyMs: 86_400 });
    let fileBytes = 0;
    for (let written = 0; written < ticks; written += 10_000) {
      let text = '';
      for (const tick of source.take(Math.min(10_000, ticks - written))) text += `${formatTickLine(tick)}\n`;
      fileBytes += writeSync(fd, text);
    }
    closeSync(fd);
    const config = join(dir, 'config.yaml');
    // JSON is YAML: the CLI needs a valid config; replay feeds every tick in the file, whatever the symbols.
    writeFileSync(config, JSON.stringify({ exchanges: { binance: { symbols: ['SYN00001/USDT'] } }, state_dir: join(dir, 'state') }));

    const replayMs: number[] = [];
    const floorMs: number[] = [];
    let summary = '';
    for (let round = 0; round < rounds; round++) {
      const floor = await timed(process.execPath, [FLOOR, file]);
      if (floor.stdout.trim() !== String(ticks)) throw new Error(`the floor parsed ${floor.stdout.trim()} lines, not ${ticks}`);
      floorMs.push(floor.ms);
      const replay = await timed(process.execPath, [CLI, '--config', config, '--replay', file]);
      summary = replay.stdout.split('\n').find((line) => line.startsWith('replayed ')) ?? '';
      replayMs.push(replay.ms);
    }
    return { ticks, symbols, fileBytes, replayMs, floorMs, ratio: median(replayMs) / median(floorMs), summary };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a process to its exit; throws unless it exits 0. */
function timed(command: string, args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ ms, stdout });
      else reject(new Error(`${args[0]} exited with ${code}: ${stderr.trim() || stdout.trim()}`));
    });
  });
}
