import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { sep } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { finished, startCli } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

interface JournalLine {
  readonly kind: string;
  readonly rule: string;
  readonly exchange?: string;
  readonly high?: { readonly exchange: string };
  readonly low?: { readonly exchange: string };
}

const journalLines = (path: string): JournalLine[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as JournalLine)
    : [];

describe('crypto-supervisor --demo (npm run demo)', function () {
  // One pass of the simulated market is a minute; each deadline below is at most 90 s, and a run usually takes one minute.
  this.timeout(300_000);
  let tmp: TempDir;
  let browser: Browser | undefined;
  before(() => {
    tmp = tempDir('crypto-supervisor-demo-spec-');
  });
  after(async () => {
    await browser?.close();
    tmp.remove();
  });

  it('shows a price alert in the log, the journal, the page and a caught email, then the outage as feed_down/feed_recovered; stops on SIGINT', async () => {
    // TMPDIR: the demo's state dir is created under it, so this test cleans up after it.
    const child = startCli(['--demo', '--http', '127.0.0.1:0'], { TMPDIR: tmp.path });
    const run = finished(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      let pageUrl = '';
      let journal = '';
      await eventually(async () => {
        pageUrl = /status page: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1] ?? '';
        journal = /the journal is (\S+alerts\.jsonl)/.exec(stdout)?.[1] ?? '';
        expect(pageUrl, stdout).to.not.equal('');
        expect(journal).to.not.equal('');
      }, 30_000);
      expect(journal.startsWith(tmp.path + sep), 'state dir under TMPDIR').to.equal(true);

      await eventually(async () => {
        expect(journalLines(journal).some((entry) => entry.kind === 'price')).to.equal(true);
      }, 90_000);
      expect(stdout).to.match(/\[INFO\] supervisor\.alerts: (BTC|ETH)\/USDT [+-]\d+\.\d\d% in (24h|1h) on binance/);

      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${pageUrl}/`);
      await eventually(async () => expect(await page.locator('#alerts li[data-rule^="pct_"]').count()).to.be.greaterThan(0), 30_000);
      // Checked early: the page lists the latest 50 alerts, and a loaded minute of the demo raises about that many.
      // Each cycle has a divergence in its rally (about 12 s in), so waiting up to a cycle and a half finds one.
      await eventually(async () => expect(await page.locator('#alerts li[data-rule="divergence"]').count()).to.be.greaterThan(0), 90_000);
      await eventually(async () => {
        expect(await page.locator('#mail-panel').isVisible()).to.equal(true);
        expect(await page.locator('#mail li').count()).to.be.greaterThan(0);
      }, 30_000);
      const subject = await page.locator('#mail li .subject').last().textContent();
      expect(subject).to.match(/(BTC|ETH)\/USDT? [+-]\d/);
      expect(stdout).to.include('supervisor.mail-catcher: caught an email to you@demo.invalid');

      // The simulator's 12 s outage: the feed goes blind, feed_down fires within it, then feed_recovered.
      await eventually(async () => {
        const rules = journalLines(journal).map((entry) => entry.rule);
        expect(rules).to.include('feed_down');
        expect(rules).to.include('feed_recovered');
        expect(rules.indexOf('feed_down')).to.be.lessThan(rules.indexOf('feed_recovered'));
      }, 90_000);
      // The simulated Coinbase plays the same market 3 s late and has no outage: its own alerts, never a feed_down,
      // and a divergence from Binance while the rally or the fall keeps them apart.
      const entries = journalLines(journal);
      expect(entries.some((entry) => entry.kind === 'price' && entry.exchange === 'coinbase')).to.equal(true);
      expect(entries.filter((entry) => entry.rule === 'feed_down').map((entry) => entry.exchange)).to.not.include('coinbase');
      const divergence = entries.find((entry) => entry.kind === 'divergence');
      expect(divergence, 'a divergence in the journal').to.not.equal(undefined);
      expect([divergence!.high?.exchange, divergence!.low?.exchange].sort()).to.deep.equal(['binance', 'coinbase']);
      expect(stdout).to.match(/\[INFO\] supervisor\.alerts: .*BTC\/USDT on binance and BTC\/USD on coinbase .*apart/);
      await eventually(async () => expect(await page.locator('#alerts li[data-rule="feed_recovered"]').count()).to.be.greaterThan(0), 30_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await run;
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('received SIGINT, shutting down');
    expect(result.stdout).to.match(/stopped; the demo's journal stays in /);
  });

  it('keeps running on SIGHUP (no config file to reload), then stops cleanly on SIGTERM', async () => {
    const child = startCli(['--demo', '--http', '127.0.0.1:0'], { TMPDIR: tmp.path });
    const run = finished(child);
    let stdout = '';
    let hupped = false;
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('status page: ')) return;
      if (!hupped) {
        hupped = true;
        child.kill('SIGHUP');
      }
      if (!stdout.includes('received SIGHUP')) return;
      child.stdout?.off('data', onData);
      child.kill('SIGTERM');
    };
    child.stdout?.on('data', onData);
    const result = await run;
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('[WARN] supervisor.demo: received SIGHUP: the demo has no config file to reload; still running');
    expect(result.stdout).to.include('received SIGTERM, shutting down');
    expect(result.stdout).to.include("stopped; the demo's journal stays in ");
  });
});
