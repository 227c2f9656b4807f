// Profiles the pipeline on the bench's generated day, for whoever fixes a missed target:
//   node --import tsx bench/profile-pipeline.ts [frames|ticks|scale] [hours]
// `frames`: connector parse + detectAlerts over raw frames; `ticks`: detectAlerts alone;
// `scale`: detectAlerts over 10 000 symbols. The day before runs first (untimed, unprofiled), so the
// 24 h windows are full. Only the measured part is sampled; the profile goes to
// .bench/<mode>.cpuprofile (open it in Chrome DevTools) and the top functions by self time are printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Subject } from 'rxjs';
import { DEFAULT_THRESHOLDS } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
import { frameReader } from './frame-reader.js';
import { type FrameChunk, generateDay } from './generate-day.js';
import { SyntheticTicks } from './synthetic-ticks.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const mode = process.argv[2] ?? 'frames';
const hours = Number(process.argv[3] ?? 3);
if (!['frames', 'ticks', 'scale'].includes(mode) || !(hours > 0)) {
  process.stderr.write('usage: node --import tsx bench/profile-pipeline.ts [frames|ticks|scale] [hours]\n');
  process.exit(2);
}

const market = generateDay();
const { dayStartMs, dayMs, tickEveryMs } = market;
const end = dayStartMs + Math.round((hours * 3_600_000) / tickEveryMs) * tickEveryMs;
const ticks$ = new Subject<Tick>();
ticks$.pipe(detectAlerts(DEFAULT_THRESHOLDS)).subscribe();

let work: () => number;
if (mode === 'scale') {
  const source = new SyntheticTicks({ symbols: 10_000, everyMs: tickEveryMs });
  for (let i = 0; i < 100_000; i++) ticks$.next(source.next());
  const count = Math.round(hours * 1_000_000);
  work = () => {
    for (let i = 0; i < count; i++) ticks$.next(source.next());
    return count;
  };
} else {
  for (const chunk of market.ticks(dayStartMs - dayMs, dayStartMs, 25)) for (const tick of chunk) ticks$.next(tick);
  if (mode === 'frames') {
    const chunks: FrameChunk[] = [...market.frames(dayStartMs, end)];
    const read = frameReader(market.symbols);
    const emit = (tick: Tick) => ticks$.next(tick);
    work = () => chunks.reduce((frames, chunk) => frames + (read(chunk, emit), chunk.frames.length), 0);
  } else {
    const day: Tick[] = [];
    for (const chunk of market.ticks(dayStartMs, end, 25)) day.push(...chunk);
    work = () => {
      for (const tick of day) ticks$.next(tick);
      return day.length;
    };
  }
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const started = process.hrtime.bigint();
const items = work();
const ns = Number(process.hrtime.bigint() - started);
const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
session.disconnect();

mkdirSync('.bench', { recursive: true });
const file = `.bench/${mode}.cpuprofile`;
writeFileSync(file, JSON.stringify(profile));

// Self time per function; the inspector's own `dispatch` and idle samples are left out.
const selfUs = new Map<string, number>();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === 'dispatch' || functionName === '(idle)' || functionName === '(program)') return;
  const where = url ? ` ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'}${where}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
process.stdout.write(`${mode}: ${items.toLocaleString('en-US')} items, ${(ns / items).toFixed(0)} ns each; profile in ${file}\n`);
for (const [name, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(6)} %  ${name}\n`);
}
