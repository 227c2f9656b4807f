import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { type CliRun, finished, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

interface Row {
  readonly exchange: string;
  readonly symbol: string;
  readonly price?: number;
  readonly ts?: number;
  readonly coverageShort?: number;
}

/** The status page's first response carries its state as JSON: the rows of the price table. */
async function rows(base: string): Promise<Row[]> {
  const page = await (await fetch(`${base}/`)).text();
  const json = /<script id="snapshot" type="application\/json">([\s\S]*?)<\/script>/.exec(page)![1]!;
  return (JSON.parse(json) as { symbols: Row[] }).symbols;
}

async function metric(base: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

/** Every line the child printed, from now on. */
function collect(child: ChildProcess): string[] {
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  return lines;
}

describe('cli: config reload (SIGHUP, POST /-/reload)', function () {
  this.timeout(30000);
  let dir: TempDir;
  let binance: FakeBinanceServer;
  let child: ChildProcess | undefined;
  let done: Promise<CliRun> | undefined;
  beforeEach(async () => {
    dir = tempDir();
    binance = await FakeBinanceServer.start();
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await done;
    }
    child = undefined;
    await binance.close();
    dir.remove();
  });

  const config = (symbols: readonly string[], extra = '') =>
    dir.write('c.yaml', `exchanges:
  binance:
    symbols: [${symbols.join(', ')}]
    url: ${binance.url}
alerts:
  thresholds: { window_short_ms: 60000 }
${extra}state_dir: ${join(dir.path, 'state')}
`);

  /** Starts the CLI on `file` with the HTTP surface; resolves its base URL once the feed is connected. */
  async function start(file: string): Promise<string> {
    child = startCli(['--config', file, '--http', '127.0.0.1:0']);
    done = finished(child);
    const started = await waitForOutput(child, /status page on (http:\/\/127\.0\.0\.1:\d+)\//);
    await waitUntil(() => binance.openConnections === 1, 'connected', 10000);
    return /status page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(started)![1]!;
  }

  it('SIGHUP adding a symbol: the old symbol keeps its socket and its window coverage, the new one is subscribed and alerts', async () => {
    const file = config(['BTC/USDT']);
    const base = await start(file);
    const t = Date.now();
    // 50 s of BTC/USDT history in its 60 s short window.
    binance.pushTicker('BTC/USDT', 100, { ts: t - 50_000, open24h: 100 });
    binance.pushTicker('BTC/USDT', 100.5, { ts: t - 1000, open24h: 100 });
    let before: Row | undefined;
    for (let i = 0; i < 200 && before?.price !== 100.5; i++) {
      before = (await rows(base)).find((row) => row.symbol === 'BTC/USDT');
      if (before?.price !== 100.5) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(before?.coverageShort).to.be.greaterThan(0.8);

    config(['BTC/USDT', 'ETH/USDT']);
    const reloaded = waitForOutput(child!, /\[INFO\] supervisor: config reloaded: binance: \+ETH\/USDT/);
    child!.kill('SIGHUP');
    await reloaded;
    await waitUntil(() => binance.streamsOf(0).includes('ethusdt@ticker'), 'ETH/USDT subscribed on the open connection');
    expect(binance.connectionAttempts, 'BTC/USDT kept its socket').to.equal(1);

    // The old symbol's window was kept: its next tick is measured on 51 s of history, not on a fresh window.
    binance.pushTicker('BTC/USDT', 100.6, { ts: t, open24h: 100 });
    let after: Row | undefined;
    for (let i = 0; i < 200 && after?.price !== 100.6; i++) {
      after = (await rows(base)).find((row) => row.symbol === 'BTC/USDT');
      if (after?.price !== 100.6) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(after?.coverageShort).to.be.greaterThan(0.8);
    expect((await rows(base)).map((row) => row.symbol)).to.include('ETH/USDT');

    // The new symbol ticks and alerts.
    const alerted = waitForOutput(child!, /supervisor\.alerts: ETH\/USDT \+6\.00% in 24h on binance/);
    binance.pushTicker('ETH/USDT', 106, { ts: t, open24h: 100 });
    await alerted;
    expect(binance.connectionAttempts).to.equal(1);
  });

  it('an invalid file on SIGHUP changes nothing: one ERROR with the key path, still running, the metric 0; a valid one then sets it to 1', async () => {
    const file = config(['BTC/USDT']);
    const base = await start(file);
    expect(await metric(base, 'crypto_supervisor_config_last_reload_successful')).to.equal(1);
    const startedAt = await metric(base, 'crypto_supervisor_config_last_reload_success_timestamp_seconds');
    expect(startedAt).to.be.greaterThan(0);
    const lines = collect(child!);

    config(['BTC/USDT', 'ETH/USDT'], 'ops:\n  heartbeat_every_ms: -5\n');
    const failed = waitForOutput(child!, /config reload failed/);
    child!.kill('SIGHUP');
    await failed;
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/\[ERROR\] supervisor: config reload failed, still running with the previous config: .*c\.yaml: ops\.heartbeat_every_ms: /);
    expect(await metric(base, 'crypto_supervisor_config_last_reload_successful')).to.equal(0);
    expect(await metric(base, 'crypto_supervisor_config_last_reload_success_timestamp_seconds')).to.equal(startedAt);
    expect(child!.exitCode).to.equal(null);
    expect(binance.streamsOf(0), 'the old symbols still').to.deep.equal(['btcusdt@ticker']);
    expect((await fetch(`${base}/livez`)).status).to.equal(200);

    config(['BTC/USDT', 'ETH/USDT']);
    const reloaded = waitForOutput(child!, /config reloaded: binance: \+ETH\/USDT/);
    child!.kill('SIGHUP');
    await reloaded;
    expect(await metric(base, 'crypto_supervisor_config_last_reload_successful')).to.equal(1);
    expect(await metric(base, 'crypto_supervisor_config_last_reload_success_timestamp_seconds')).to.be.greaterThan(startedAt!);
  });

  it('POST /-/reload applies the file and answers what changed; a bad file answers 500 with the key path; browsers and GET are refused', async () => {
    const file = config(['BTC/USDT']);
    const base = await start(file);
    expect((await fetch(`${base}/-/reload`)).status).to.equal(405);
    const fromPage = await fetch(`${base}/-/reload`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(fromPage.status).to.equal(403);

    // (http.listen would not do here: under --http the file's listen is not in use.)
    config(['ETH/USDT'], '  feed_down_after_ms: 5000\n');
    const applied = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(applied.status).to.equal(200);
    expect(await applied.json()).to.deep.equal({ status: 'ok', changes: 'binance: +ETH/USDT, -BTC/USDT', needsRestart: ['alerts.feed_down_after_ms'] });
    await waitUntil(() => binance.streamsOf(0).join() === 'ethusdt@ticker', 'BTC/USDT unsubscribed, ETH/USDT subscribed');
    expect(binance.connectionAttempts).to.equal(1);

    config(['ETH/USDT'], 'alerts_typo: 1\n');
    const refused = await fetch(`${base}/-/reload`, { method: 'POST' });
    expect(refused.status).to.equal(500);
    const body = (await refused.json()) as { status: string; error: string };
    expect(body.status).to.equal('error');
    expect(body.error).to.match(/c\.yaml: alerts_typo: /);
  });

  it('the status page follows the silences: created over HTTP, or replaced by a reload, each change is pushed to open pages', async () => {
    const file = config(['BTC/USDT']);
    const base = await start(file);
    const controller = new AbortController();
    const events = await fetch(`${base}/events`, { signal: controller.signal });
    const reader = events.body!.getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done: ended } = await reader.read();
        if (ended) throw new Error(`stream ended before ${String(pattern)}`);
        text += Buffer.from(value).toString('utf8');
      }
    };
    try {
      await until(/event: snapshot/);
      const created = await fetch(`${base}/api/silences`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ match: { symbol: 'BTC/USDT' }, for_ms: 60_000, comment: 'maintenance' }),
      });
      const silence = (await created.json()) as { id: string };
      await until(new RegExp(`event: silences\\ndata: .*"id":"${silence.id}"`));

      dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ${binance.url}
alerts:
  thresholds: { window_short_ms: 60000 }
  silences:
    - match: { exchange: binance }
      comment: from the file
state_dir: ${join(dir.path, 'state')}
`);
      text = '';
      child!.kill('SIGHUP');
      await until(/event: silences\ndata: .*"id":"config-1".*from the file/);
      expect(text).to.include(`"id":"${silence.id}"`);
    } finally {
      controller.abort();
    }
  });
});
