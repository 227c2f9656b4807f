import type { AlertComparison } from './compare-alerts.js';
import type { FramesToAlertsResult } from './frames-to-alerts.js';
import type { HeapGrowthResult } from './heap-growth.js';
import type { LiveLatencyResult } from './live-latency.js';
import type { ReplaySpeedResult } from './replay-speed.js';
import type { ReplayVsFloorResult } from './replay-vs-floor.js';
import type { SymbolScaleResult } from './symbol-scale.js';
import type { TicksToAlertsResult } from './ticks-to-alerts.js';

/** Where the bench ran. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

/** The generated input. */
export interface InputInfo {
  readonly seed: number;
  readonly symbolsPerExchange: number;
  readonly frames: number;
  readonly tickEveryMs: number;
  readonly plannedAlerts: number;
}

/** A correctness check of the bench itself (unlike targets, a failed check means the figures are wrong). */
export interface BenchCheck {
  readonly name: string;
  readonly comparison: AlertComparison;
}

/** Everything one bench run measured. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly input: InputInfo;
  readonly framesToAlerts: FramesToAlertsResult;
  readonly ticksToAlerts: TicksToAlertsResult;
  readonly symbolScale: SymbolScaleResult;
  /** Measurement 3 again with huge pages for the windows (no target: it measures a deployment knob); absent in older runs. */
  readonly symbolScaleHugePages?: SymbolScaleResult;
  readonly memory: HeapGrowthResult;
  readonly liveLatency: LiveLatencyResult;
  readonly replay: ReplaySpeedResult;
  readonly replayVsFloor: ReplayVsFloorResult;
  readonly checks: readonly BenchCheck[];
  readonly durationMs: number;
}

/** One target of the issue: the figure, the bound, and whether the figure is within it. */
export interface TargetOutcome {
  readonly value: number;
  readonly target: number;
  /** `>=`: the value must be at least the target; `<=` at most; `<` under. */
  readonly comparison: '>=' | '<=' | '<';
  readonly met: boolean;
  readonly unit: string;
}

function outcome(value: number, comparison: TargetOutcome['comparison'], target: number, unit: string): TargetOutcome {
  const met = comparison === '>=' ? value >= target : comparison === '<=' ? value <= target : value < target;
  return { value: round(value), target, comparison, met, unit };
}

/** The issue's targets, evaluated on one run. */
export function benchTargets(results: BenchResults): Record<string, TargetOutcome> {
  const { framesToAlerts, ticksToAlerts, symbolScale, memory, liveLatency, replay } = results;
  return {
    framesVsJsonParse: outcome(framesToAlerts.ratio, '>=', 0.5, 'x JSON.parse'),
    ticksVsNaive: outcome(ticksToAlerts.ownWindowSpeedup, '>=', 20, 'x naive'),
    symbolScale10000vs10: symbolScaleTarget(symbolScale),
    ...memoryTargets(memory),
    liveP99Ms: outcome(liveLatency.p99Ms, '<', 5, 'ms'),
    replayTimesRealTime: outcome(replay.timesRealTime, '>=', 5000, 'x real time'),
    replayVsReadParse: replayVsFloorTarget(results.replayVsFloor),
  };
}

/** Measurement 3's target (issue 18): a tick at 10 000 symbols costs at most 2x one at 10. */
export function symbolScaleTarget(result: SymbolScaleResult): TargetOutcome {
  return outcome(result.ratio, '<=', 2, 'x');
}

/**
 * Measurement 4's targets: memory flat in tick count; at most 24 KiB per
 * (symbol, window) at 1000 buckets (issue 18), in the run and when every window
 * is full.
 */
export function memoryTargets(result: HeapGrowthResult): { heap10MVs1M: TargetOutcome; bytesPerSymbolWindow: TargetOutcome; bytesPerFullSymbolWindow: TargetOutcome } {
  return {
    heap10MVs1M: outcome(result.ratio, '<=', 1.1, 'x'),
    bytesPerSymbolWindow: outcome(result.bytesPerSymbolWindow, '<=', 24_576, 'bytes'),
    bytesPerFullSymbolWindow: outcome(result.bytesPerFullSymbolWindow, '<=', 24_576, 'bytes'),
  };
}

/** Measurement 3's row, alone (`npm run bench -- scale`). */
export function formatSymbolScaleRow(s: SymbolScaleResult): string {
  const target = symbolScaleTarget(s);
  return `${'3 cost per tick by symbols'.padEnd(28)}${symbolScaleFigure(s)}  at most ${target.target}x: ${target.met ? 'met' : 'NOT MET'}`;
}

function symbolScaleFigure(s: SymbolScaleResult): string {
  return `${Object.entries(s.nsPerTick).map(([count, ns]) => `${num(Number(count))}: ${num(ns)} ns`).join(', ')}; 10000/10: ${fixed(s.ratio, 2)}x`;
}

/** Measurement 4's two rows, alone (`npm run bench -- memory`). */
export function formatMemoryRows(m: HeapGrowthResult): string {
  const targets = memoryTargets(m);
  const status = (t: TargetOutcome) => `${t.comparison} ${t.target.toLocaleString('en-US')} ${t.unit}: ${t.met ? 'met' : 'NOT MET'}`;
  return [
    `${'4 memory, 1000 symbols'.padEnd(28)}${memoryFigure(m)}  ${status(targets.heap10MVs1M)}`,
    `${'  per (symbol, window)'.padEnd(28)}${perWindowFigure(m)}  ${status(targets.bytesPerSymbolWindow)}`,
    `${'  every bucket full'.padEnd(28)}${fullWindowFigure(m)}  ${status(targets.bytesPerFullSymbolWindow)}`,
  ].join('\n');
}

function memoryFigure(m: HeapGrowthResult): string {
  return `${mib(m.afterFirst.total)} after 1 M ticks, ${mib(m.afterTotal.total)} after 10 M: ${fixed(m.ratio, 3)}x (state alone ${fixed(m.stateRatio, 3)}x)`;
}

function perWindowFigure(m: HeapGrowthResult): string {
  return bytesFigure(m.bytesPerSymbolWindow);
}

function fullWindowFigure(m: HeapGrowthResult): string {
  return `${bytesFigure(m.bytesPerFullSymbolWindow)}, 100 symbols ticking every short bucket for a day`;
}

function bytesFigure(bytes: number): string {
  return `${num(bytes)} bytes (${fixed(bytes / 1024, 1)} KiB)`;
}

/** Measurement 7's target (issue 18): `--replay` at most 2x reading and parsing the file. */
export function replayVsFloorTarget(result: ReplayVsFloorResult): TargetOutcome {
  return outcome(result.ratio, '<=', 2, 'x read + parse');
}

/** Measurement 7's row of the table, alone (`npm run bench -- replay-cli` prints it). */
export function formatReplayVsFloorRow(result: ReplayVsFloorResult): string {
  const target = replayVsFloorTarget(result);
  return `${'7 --replay vs read+parse'.padEnd(28)}${replayVsFloorFigure(result)}  at most ${target.target}x: ${target.met ? 'met' : 'NOT MET'}`;
}

/** `BENCH {json}` with measurement 7 only. */
export function formatReplayVsFloorLine(result: ReplayVsFloorResult): string {
  return `BENCH ${JSON.stringify({ replayVsFloor: replayVsFloorJson(result), targets: { replayVsReadParse: replayVsFloorTarget(result) } })}`;
}

function replayVsFloorFigure(r: ReplayVsFloorResult): string {
  const ms = (values: readonly number[]) => values.map((value) => fixed(value / 1000, 2)).join(' / ');
  return `${num(r.ticks)} ticks, ${num(r.symbols)} symbols (${mib(r.fileBytes)}): --replay ${ms(r.replayMs)} s; read + JSON.parse ${ms(r.floorMs)} s: ${fixed(r.ratio, 2)}x`;
}

function replayVsFloorJson(r: ReplayVsFloorResult) {
  return { ticks: r.ticks, symbols: r.symbols, fileBytes: r.fileBytes, replayMs: r.replayMs.map(round), floorMs: r.floorMs.map(round), ratio: round(r.ratio) };
}

/**
 * The human-readable table: one row per figure, its target and whether it is
 * met, then the bench's own correctness checks.
 *
 * @example
 * console.log(formatTable(results));
 * // Logs: crypto-supervisor bench: 2 x AMD EPYC, Node v20.20.2 ... (then one row per figure)
 */
export function formatTable(results: BenchResults): string {
  const { machine, input, framesToAlerts: f, ticksToAlerts: t, symbolScale: s, memory: m, liveLatency: l, replay: r } = results;
  const targets = benchTargets(results);
  const mark = (name: string) => {
    const target = targets[name]!;
    return `${target.comparison} ${target.target.toLocaleString('en-US')} ${target.unit}`.padEnd(24) + (target.met ? 'met' : 'NOT MET');
  };
  const rows: [string, string, string][] = [
    ['1 raw frames -> alerts', `${num(f.pipelinePerSecond)} frames/s; JSON.parse alone ${num(f.jsonParsePerSecond)}/s: ${fixed(f.ratio, 2)}x`, mark('framesVsJsonParse')],
    ['  Bitstamp trade frames', `${num(f.bitstamp.pipelinePerSecond)} frames/s; JSON.parse alone ${num(f.bitstamp.jsonParsePerSecond)}/s: ${fixed(f.bitstamp.ratio, 2)}x (own 24 h windows)`, ''],
    ['2 ticks -> alerts', `own 24 h windows ${num(t.ownWindowPerSecond)} ticks/s; naive ${num(t.naivePerSecond)}/s (${t.ticksPerDayWindow} ticks per 24 h window): ${fixed(t.ownWindowSpeedup, 1)}x`, mark('ticksVsNaive')],
    ['  with exchange open24h', `${num(t.pipelinePerSecond)} ticks/s (no 24 h window needed): ${fixed(t.speedup, 1)}x naive`, ''],
    ['3 cost per tick by symbols', symbolScaleFigure(s), mark('symbolScale10000vs10')],
    ...(results.symbolScaleHugePages === undefined ? [] : [['  with huge pages', symbolScaleFigure(results.symbolScaleHugePages), 'no target (a knob)'] as [string, string, string]]),
    ['4 memory, 1000 symbols', memoryFigure(m), mark('heap10MVs1M')],
    ['  per (symbol, window)', perWindowFigure(m), mark('bytesPerSymbolWindow')],
    ['  every bucket full', fullWindowFigure(m), mark('bytesPerFullSymbolWindow')],
    ['5 live tick -> journal', `p50 ${fixed(l.p50Ms, 2)} ms, p99 ${fixed(l.p99Ms, 2)} ms, max ${fixed(l.maxMs, 2)} ms over ${l.alerts} alerts`, mark('liveP99Ms')],
    ['6 --replay of the day', `${num(r.ticks)} ticks (${mib(r.fileBytes)}) in ${fixed(r.wallMs / 1000, 1)} s: ${num(r.timesRealTime)}x real time`, mark('replayTimesRealTime')],
    ['7 --replay vs read+parse', replayVsFloorFigure(results.replayVsFloor), mark('replayVsReadParse')],
  ];
  const width = Math.max(...rows.map(([, figure]) => figure.length));
  const lines = [
    `crypto-supervisor bench: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform})`,
    `input: ${num(input.frames)} frames, a day of ${num(input.symbolsPerExchange)} symbols on Binance and on Coinbase `
      + `(one ticker per symbol every ${fixed(input.tickEveryMs / 1000, 1)} s each), seed ${input.seed}, ${input.plannedAlerts} planned alerts`,
    '',
    `${'measurement'.padEnd(28)}${'figure'.padEnd(width + 2)}${'target'.padEnd(24)}status`,
    ...rows.map(([name, figure, status]) => `${name.padEnd(28)}${figure.padEnd(width + 2)}${status}`),
    '',
    'checks (the bench is wrong if one fails):',
    ...results.checks.map(({ name, comparison }) =>
      `  ${comparison.agree ? 'ok  ' : 'FAIL'} ${name}: ${comparison.actual} alerts${comparison.agree ? '' : `; ${comparison.difference}`}`),
    '',
    `done in ${fixed(results.durationMs / 1000, 1)} s`,
  ];
  return lines.join('\n');
}

/** The machine-readable line: `BENCH ` and one JSON object with every figure and, under `targets`, each target. */
export function formatBenchLine(results: BenchResults): string {
  const { framesToAlerts: f, ticksToAlerts: t, symbolScale: s, memory: m, liveLatency: l, replay: r } = results;
  const json = {
    machine: results.machine,
    input: results.input,
    framesToAlerts: {
      frames: f.frames, rejected: f.rejected, framesPerSecond: round(f.pipelinePerSecond), jsonParsePerSecond: round(f.jsonParsePerSecond), ratio: round(f.ratio), alerts: f.alerts.length,
      bitstamp: { frames: f.bitstamp.frames, rejected: f.bitstamp.rejected, framesPerSecond: round(f.bitstamp.pipelinePerSecond), jsonParsePerSecond: round(f.bitstamp.jsonParsePerSecond), ratio: round(f.bitstamp.ratio), alerts: f.bitstamp.alerts.length },
    },
    ticksToAlerts: { ticks: t.ticks, ticksPerSecond: round(t.pipelinePerSecond), naiveTicksPerSecond: round(t.naivePerSecond), speedup: round(t.speedup), ownWindowTicksPerSecond: round(t.ownWindowPerSecond), ownWindowSpeedup: round(t.ownWindowSpeedup), ticksPerDayWindow: t.ticksPerDayWindow, alerts: t.pipelineAlerts.length },
    symbolScale: symbolScaleJson(s),
    ...(results.symbolScaleHugePages === undefined ? {} : { symbolScaleHugePages: symbolScaleJson(results.symbolScaleHugePages) }),
    memory: { symbols: m.symbols, before: m.before, after1M: m.afterFirst, after10M: m.afterTotal, ratio: round(m.ratio), stateRatio: round(m.stateRatio), bytesPerSymbolWindow: Math.round(m.bytesPerSymbolWindow), bytesPerFullSymbolWindow: Math.round(m.bytesPerFullSymbolWindow) },
    liveLatency: { alerts: l.alerts, frames: l.frames, p50Ms: round(l.p50Ms), p99Ms: round(l.p99Ms), maxMs: round(l.maxMs), meanMs: round(l.meanMs) },
    replay: { ticks: r.ticks, fileBytes: r.fileBytes, spanMs: r.spanMs, wallMs: round(r.wallMs), timesRealTime: round(r.timesRealTime), alerts: r.alerts.length },
    replayVsFloor: replayVsFloorJson(results.replayVsFloor),
    checks: Object.fromEntries(results.checks.map(({ name, comparison }) => [name, comparison.agree])),
    targets: benchTargets(results),
    durationMs: Math.round(results.durationMs),
  };
  return `BENCH ${JSON.stringify(json)}`;
}

function symbolScaleJson(s: SymbolScaleResult) {
  return { nsPerTick: Object.fromEntries(Object.entries(s.nsPerTick).map(([count, ns]) => [count, round(ns)])), ratio: round(s.ratio) };
}

/** Four significant digits at most: enough for a noisy measurement. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}

function num(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}
