import { expect } from 'chai';
import {
  benchTargets, type BenchResults, formatBenchLine, formatMemoryRows, formatReplayVsFloorLine, formatReplayVsFloorRow, formatSymbolScaleRow, formatTable,
} from '../../bench/report.js';

const reading = (total: number) => ({ heapUsed: total / 2, arrayBuffers: total / 2, total });

/** One run's figures: the frames path misses its target, everything else meets it. */
const results: BenchResults = {
  machine: { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 4, node: 'v20.0.0', platform: 'linux x64' },
  input: { seed: 1, symbolsPerExchange: 1000, frames: 2_000_000, tickEveryMs: 86_400, plannedAlerts: 84 },
  framesToAlerts: {
    frames: 2_000_000, rejected: 0, pipelinePerSecond: 100_000, jsonParsePerSecond: 250_000, ratio: 0.4, alerts: [],
    bitstamp: { frames: 1_000_000, rejected: 0, pipelinePerSecond: 150_000, jsonParsePerSecond: 300_000, ratio: 0.5, alerts: [] },
  },
  ticksToAlerts: {
    ticks: 2_000_000, pipelinePerSecond: 2_000_000, naivePerSecond: 40_000, speedup: 50,
    ownWindowPerSecond: 1_000_000, ownWindowSpeedup: 25, ticksPerDayWindow: 1000,
    pipelineAlerts: [], agreement: { agree: true, expected: 84, actual: 84 },
  },
  symbolScale: { nsPerTick: { '10': 500, '1000': 600, '10000': 700 }, ratio: 1.4 },
  memory: {
    symbols: 1000, before: reading(8e6), afterFirst: reading(110e6), afterTotal: reading(111e6),
    ratio: 111 / 110, stateRatio: 103 / 102, bytesPerSymbolWindow: 7_000, bytesPerFullSymbolWindow: 24_000,
  },
  liveLatency: { alerts: 1000, p50Ms: 0.2, p99Ms: 0.6, maxMs: 4, meanMs: 0.25, frames: 2400 },
  replay: { ticks: 2_000_000, fileBytes: 3e8, spanMs: 86_400_000, wallMs: 10_000, timesRealTime: 8640, summary: '', alerts: [] },
  replayVsFloor: { ticks: 500_000, symbols: 1000, fileBytes: 61e6, replayMs: [3000, 3400, 3200], floorMs: [1500, 1700, 1600], ratio: 2, summary: '' },
  checks: [{ name: 'naive = pipeline', comparison: { agree: true, expected: 84, actual: 84 } }],
  durationMs: 150_000,
};

describe('bench: report', () => {
  it('judges each target against its bound', () => {
    const targets = benchTargets(results);
    expect(Object.fromEntries(Object.entries(targets).map(([name, target]) => [name, target.met]))).to.deep.equal({
      framesVsJsonParse: false,
      ticksVsNaive: true,
      symbolScale10000vs10: true,
      heap10MVs1M: true,
      bytesPerSymbolWindow: true,
      bytesPerFullSymbolWindow: true,
      liveP99Ms: true,
      replayTimesRealTime: true,
      replayVsReadParse: true,
    });
    expect(targets['framesVsJsonParse']).to.deep.equal({ value: 0.4, target: 0.5, comparison: '>=', met: false, unit: 'x JSON.parse' });
    expect(benchTargets({ ...results, liveLatency: { ...results.liveLatency, p99Ms: 5 } })['liveP99Ms']!.met).to.equal(false);
    // Issue 18's bounds: at most 24 KiB per (symbol, window); a tick at 10 000 symbols at most 2x one at 10.
    expect(benchTargets({ ...results, memory: { ...results.memory, bytesPerSymbolWindow: 24_577 } })['bytesPerSymbolWindow']!.met).to.equal(false);
    expect(benchTargets({ ...results, memory: { ...results.memory, bytesPerFullSymbolWindow: 24_577 } })['bytesPerFullSymbolWindow']!.met).to.equal(false);
    expect(benchTargets({ ...results, symbolScale: { ...results.symbolScale, ratio: 2 } })['symbolScale10000vs10']!.met).to.equal(true);
    expect(benchTargets({ ...results, symbolScale: { ...results.symbolScale, ratio: 2.01 } })['symbolScale10000vs10']!.met).to.equal(false);
    // --replay may take at most twice the floor's time: 2.0x is met, anything over is not.
    expect(benchTargets({ ...results, replayVsFloor: { ...results.replayVsFloor, ratio: 2.01 } })['replayVsReadParse']!.met).to.equal(false);
    // The target is the speed-up over our own 24 h windows, not the easier one with the exchange's open.
    const slowOwnWindow = { ...results.ticksToAlerts, ownWindowSpeedup: 19 };
    expect(benchTargets({ ...results, ticksToAlerts: slowOwnWindow })['ticksVsNaive']!.met).to.equal(false);
  });

  it('prints one BENCH line of JSON with every figure and the targets', () => {
    const line = formatBenchLine(results);
    expect(line.startsWith('BENCH {')).to.equal(true);
    const json = JSON.parse(line.slice('BENCH '.length));
    expect(json.framesToAlerts).to.include({ framesPerSecond: 100_000, jsonParsePerSecond: 250_000, ratio: 0.4 });
    expect(json.framesToAlerts.bitstamp).to.include({ frames: 1_000_000, framesPerSecond: 150_000, ratio: 0.5 });
    expect(json.symbolScale.nsPerTick).to.deep.equal({ '10': 500, '1000': 600, '10000': 700 });
    expect(json.liveLatency).to.include({ p50Ms: 0.2, p99Ms: 0.6 });
    expect(json.targets.ticksVsNaive).to.deep.equal({ value: 25, target: 20, comparison: '>=', met: true, unit: 'x naive' });
    expect(json.checks).to.deep.equal({ 'naive = pipeline': true });
    expect(json.replayVsFloor).to.deep.equal({ ticks: 500_000, symbols: 1000, fileBytes: 61e6, replayMs: [3000, 3400, 3200], floorMs: [1500, 1700, 1600], ratio: 2 });
    expect(json.targets.replayVsReadParse).to.deep.equal({ value: 2, target: 2, comparison: '<=', met: true, unit: 'x read + parse' });
  });

  it('prints measurement 7 alone: its row and a BENCH line with it only', () => {
    const slow = { ...results.replayVsFloor, ratio: 3.5 };
    expect(formatReplayVsFloorRow(slow)).to.match(/--replay 3\.00 \/ 3\.40 \/ 3\.20 s; read \+ JSON\.parse 1\.50 \/ 1\.70 \/ 1\.60 s: 3\.50x  at most 2x: NOT MET$/);
    const json = JSON.parse(formatReplayVsFloorLine(slow).slice('BENCH '.length));
    expect(Object.keys(json)).to.deep.equal(['replayVsFloor', 'targets']);
    expect(json.targets.replayVsReadParse).to.include({ value: 3.5, met: false });
  });

  it('prints measurements 3 and 4 alone (npm run bench -- scale, -- memory)', () => {
    expect(formatSymbolScaleRow({ ...results.symbolScale, ratio: 2.5 })).to.match(/^3 cost per tick by symbols +10: 500 ns, 1,000: 600 ns, 10,000: 700 ns; 10000\/10: 2\.50x  at most 2x: NOT MET$/);
    const [heap, perWindow, full] = formatMemoryRows(results.memory).split('\n');
    expect(heap).to.match(/^4 memory, 1000 symbols .*: 1\.009x \(state alone 1\.010x\)  <= 1\.1 x: met$/);
    expect(perWindow).to.match(/^  per \(symbol, window\) +7,000 bytes \(6\.8 KiB\)  <= 24,576 bytes: met$/);
    expect(full).to.match(/^  every bucket full +24,000 bytes \(23\.4 KiB\), 100 symbols ticking every short bucket for a day  <= 24,576 bytes: met$/);
  });

  it('prints a table with met / NOT MET per row and the checks', () => {
    const table = formatTable(results).split('\n');
    expect(table[0]).to.equal('crypto-supervisor bench: 2 x Test CPU, 4 GiB, Node v20.0.0 (linux x64)');
    expect(table.find((line) => line.startsWith('1 raw frames'))).to.match(/0\.40x +>= 0\.5 x JSON\.parse +NOT MET$/);
    expect(table.find((line) => line.startsWith('  Bitstamp trade frames'))).to.match(/150,000 frames\/s; JSON\.parse alone 300,000\/s: 0\.50x \(own 24 h windows\)\s*$/);
    expect(table.find((line) => line.startsWith('6 --replay'))).to.match(/8,640x real time +>= 5,000 x real time +met$/);
    expect(table.find((line) => line.startsWith('2 ticks'))).to.match(/^2 ticks -> alerts +own 24 h windows 1,000,000 ticks\/s; naive 40,000\/s \(1000 ticks per 24 h window\): 25\.0x +>= 20 x naive +met$/);
    expect(table.find((line) => line.startsWith('7 --replay vs read+parse'))).to.match(/500,000 ticks, 1,000 symbols .*: 2\.00x +<= 2 x read \+ parse +met$/);
    expect(table).to.include('  ok   naive = pipeline: 84 alerts');
    expect(table.some((line) => line.startsWith('  with huge pages'))).to.equal(false);
  });

  it('adds measurement 3 with huge pages as a row and a JSON key of its own, with no target', () => {
    const hugePages = { nsPerTick: { '10': 480, '1000': 540, '10000': 610 }, ratio: 610 / 480 };
    const withKnob = { ...results, symbolScaleHugePages: hugePages };
    const row = formatTable(withKnob).split('\n').find((line) => line.startsWith('  with huge pages'));
    expect(row).to.match(/10: 480 ns, 1,000: 540 ns, 10,000: 610 ns; 10000\/10: 1\.27x +no target \(a knob\)$/);
    const json = JSON.parse(formatBenchLine(withKnob).slice('BENCH '.length));
    expect(json.symbolScaleHugePages).to.deep.equal({ nsPerTick: { '10': 480, '1000': 540, '10000': 610 }, ratio: 1.271 });
    expect(Object.keys(json.targets)).to.deep.equal(Object.keys(benchTargets(results)));
    expect(JSON.parse(formatBenchLine(results).slice('BENCH '.length))).to.not.have.property('symbolScaleHugePages');
  });
});
