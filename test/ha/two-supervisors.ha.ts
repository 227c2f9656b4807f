import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { JournalEntry } from '../../src/domain/alert.js';
import {
  type AlertmanagerCluster,
  type AlertmanagerPeer,
  flushedAndQuiet,
  haAlertmanagerConfig,
  startAlertmanagerCluster,
} from '../helpers/alertmanager-cluster.js';
import { eventually } from '../helpers/eventually.js';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { type RecordingHttpServer, startRecordingHttpServer } from '../helpers/recording-http-server.js';
import { type CliRun, finished, REPO_ROOT, startCli } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/**
 * Two supervisors behind a real two-peer Alertmanager cluster (Debian's
 * prometheus-alertmanager), as deploy/ha runs them: each supervisor has its own
 * state_dir and its own loopback Binance, and posts to both peers; the peers
 * notify a recording webhook receiver. The cases run in order, as one story.
 *
 * "Exactly one" needs a quiet window: Alertmanager's second peer waits
 * `--cluster.peer-timeout` before it looks in the shared notification log, so
 * a duplicate would come that long after that peer flushed the group. Each
 * check therefore waits until every live peer logged the flush of the group in
 * the expected state, then for the peer timeout and a grace period after the
 * last of those flushes, then counts.
 */

interface Notification {
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly { status: string; labels: Record<string, string>; startsAt: string; endsAt: string }[];
}

interface Supervisor {
  readonly name: 'a' | 'b';
  readonly exchange: FakeBinanceServer;
  readonly stateDir: string;
  readonly configFile: string;
  child: ChildProcess;
  done: Promise<CliRun>;
  /** Everything this run printed so far (stdout and stderr). */
  output: string;
}

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'ADA/USDT', 'SOL/USDT', 'XRP/USDT'] as const;
/** `alerts.alertmanager.resend_every_ms` of both supervisors: a firing alert expires 4 x this after its last send. */
const RESEND_EVERY_MS = 1000;
/** Time for gossip to carry the first peer's notification-log entry to the other, on top of the peer timeout. */
const GRACE_MS = 1500;
const NOTIFY_TIMEOUT_MS = 30_000;
/** `--cluster.peer-timeout`: the second peer waits this long before it notifies what the first did not. */
const PEER_TIMEOUT_MS = 1000;

describe('ha: two supervisors behind a two-peer Alertmanager cluster (real Alertmanager)', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let receiver: RecordingHttpServer;
  let cluster: AlertmanagerCluster;
  const supervisors: Supervisor[] = [];

  function supervisorConfig(exchange: FakeBinanceServer, stateDir: string): string {
    return `exchanges:
  binance:
    symbols: [${SYMBOLS.join(', ')}]
    url: ${exchange.url}
alerts:
  thresholds:
    pct_24h: 0.05
    # only the 24 h rule: each planted move is one alert per level
    pct_short: 1
  alertmanager:
    urls: [${cluster.peers.map((peer) => peer.url).join(', ')}]
    resend_every_ms: ${RESEND_EVERY_MS}
    external_labels: { env: ha-suite }
state_dir: ${stateDir}
`;
  }

  async function start(supervisor: Supervisor): Promise<void> {
    supervisor.child = startCli(['--config', supervisor.configFile]);
    supervisor.done = finished(supervisor.child);
    supervisor.output = '';
    const capture = (chunk: Buffer) => (supervisor.output += chunk.toString());
    supervisor.child.stdout?.on('data', capture);
    supervisor.child.stderr?.on('data', capture);
    await waitUntil(
      () => supervisor.exchange.openConnections === 1 && supervisor.exchange.streamsOf(0).length === SYMBOLS.length,
      `supervisor ${supervisor.name} subscribed`,
      20_000,
    );
  }

  const notifications = (): Notification[] =>
    receiver.requests.filter((r) => r.path === '/alerts').map((r) => JSON.parse(r.body) as Notification);

  const notificationsOf = (symbol: string, level: number, status: Notification['status']) =>
    notifications().filter((n) => n.status === status && n.groupLabels.symbol === symbol && n.groupLabels.level === String(level));

  const livePeers = () => cluster.peers.filter((peer) => peer.alive());

  /**
   * Waits for the notification of (symbol, level) in `status`, then for the
   * window in which a second one would come (see the suite's comment), and
   * asserts there is exactly one.
   */
  async function notifiedOnce(symbol: string, level: number, status: Notification['status'], since: number): Promise<Notification> {
    await eventually(async () => expect(notificationsOf(symbol, level, status), `${status} ${symbol} level ${level}`).to.have.length.at.least(1), NOTIFY_TIMEOUT_MS);
    const group = (key: string) => key.includes(`symbol="${symbol}"`) && key.includes(`level="${level}"`);
    await flushedAndQuiet(cluster, group, status === 'firing' ? 'active' : 'resolved', since, { timeoutMs: NOTIFY_TIMEOUT_MS, graceMs: GRACE_MS });
    const seen = notificationsOf(symbol, level, status);
    expect(seen, `${status} notifications of ${symbol} level ${level}: ${JSON.stringify(seen)}`).to.have.length(1);
    return seen[0]!;
  }

  /** Pushes one Binance ticker (open 100, so the price is the 24 h change in %) to the given supervisors' exchanges. */
  function tick(to: readonly Supervisor[], symbol: string, price: number, ts: number): void {
    for (const supervisor of to) supervisor.exchange.pushTicker(symbol, price, { ts, open24h: 100 });
  }

  const journal = (supervisor: Supervisor): JournalEntry[] =>
    readFileSync(join(supervisor.stateDir, 'alerts.jsonl'), 'utf8').trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as JournalEntry);

  const priceLevels = (supervisor: Supervisor, symbol: string) =>
    journal(supervisor).flatMap((e) => (e.kind === 'price' && e.symbol === symbol ? [e.level] : []));

  before(async function () {
    dir = tempDir('crypto-supervisor-ha-');
    receiver = await startRecordingHttpServer();
    cluster = await startAlertmanagerCluster({
      dir: dir.path,
      config: haAlertmanagerConfig(join(REPO_ROOT, 'deploy/ha/alertmanager.yml'), `${receiver.url}/alerts`, PEER_TIMEOUT_MS),
      peerTimeout: `${PEER_TIMEOUT_MS}ms`,
    });
    for (const name of ['a', 'b'] as const) {
      const exchange = await FakeBinanceServer.start();
      const stateDir = join(dir.path, `state-${name}`);
      const configFile = dir.write(`supervisor-${name}.yaml`, supervisorConfig(exchange, stateDir));
      supervisors.push({ name, exchange, stateDir, configFile } as Supervisor);
    }
    await Promise.all(supervisors.map(start));
  });

  after(async () => {
    for (const supervisor of supervisors) supervisor.child?.kill('SIGKILL');
    await Promise.all(supervisors.map((s) => s.done));
    await Promise.all(supervisors.map((s) => s.exchange.close()));
    await cluster?.stop();
    await receiver?.close();
    dir?.remove();
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    // What Alertmanager did is the first thing to look at when a count is off.
    for (const peer of cluster.peers) console.log(`--- ${peer.name} (last 40 lines)\n${peer.log().split('\n').slice(-40).join('\n')}`);
    console.log(`--- notifications\n${notifications().map((n) => JSON.stringify(n)).join('\n')}`);
  });

  it('one planted move seen by both supervisors is one notification at the receiver, not two', async () => {
    const since = Date.now();
    tick(supervisors, 'BTC/USDT', 106, since);
    const notification = await notifiedOnce('BTC/USDT', 1, 'firing', since);
    // Both replicas raised it; Alertmanager took it as one alert (the same labels), with the tick's time as startsAt.
    expect(priceLevels(supervisors[0]!, 'BTC/USDT')).to.deep.equal([1]);
    expect(priceLevels(supervisors[1]!, 'BTC/USDT')).to.deep.equal([1]);
    expect(notification.alerts).to.have.length(1);
    expect(notification.alerts[0]!.labels).to.deep.equal({
      alertname: 'CryptoPriceMove', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: '1', env: 'ha-suite',
    });
    expect(Date.parse(notification.alerts[0]!.startsAt)).to.equal(since);
  });

  it('the move re-arms on both: one resolved notification', async () => {
    const since = Date.now();
    tick(supervisors, 'BTC/USDT', 103, since);
    const notification = await notifiedOnce('BTC/USDT', 1, 'resolved', since);
    expect(Date.parse(notification.alerts[0]!.endsAt)).to.equal(since);
    expect(notificationsOf('BTC/USDT', 1, 'firing')).to.have.length(1);
  });

  it('replicas that see slightly different ticks converge: one notification per move and level; the one that missed the peak alerts a level lower', async () => {
    const [a, b] = supervisors as [Supervisor, Supervisor];
    const since = Date.now();
    // A sees +6 % then the +11 % peak (level 2: twice the 5 % threshold); B sees only +7 %, a moment later.
    tick([a], 'ETH/USDT', 106, since);
    tick([b], 'ETH/USDT', 107, since + 300);
    tick([a], 'ETH/USDT', 111, since + 600);
    const [level1] = await Promise.all([notifiedOnce('ETH/USDT', 1, 'firing', since), notifiedOnce('ETH/USDT', 2, 'firing', since)]);
    expect(priceLevels(a, 'ETH/USDT')).to.deep.equal([1, 2]);
    expect(priceLevels(b, 'ETH/USDT')).to.deep.equal([1]);
    // Alertmanager keeps the earliest startsAt of the two replicas' copies.
    expect(Date.parse(level1.alerts[0]!.startsAt)).to.equal(since);

    // Both see it fall back under the re-arm line: A resolves levels 1 and 2, B level 1.
    const rearmed = Date.now();
    tick(supervisors, 'ETH/USDT', 103, rearmed);
    await Promise.all([notifiedOnce('ETH/USDT', 1, 'resolved', rearmed), notifiedOnce('ETH/USDT', 2, 'resolved', rearmed)]);
  });

  it('supervisor A killed (SIGKILL) while a move fires: the move stays firing (B re-sends it), and the next move is notified by B, once', async () => {
    const [a, b] = supervisors as [Supervisor, Supervisor];
    const firing = Date.now();
    tick(supervisors, 'ADA/USDT', 106, firing);
    await notifiedOnce('ADA/USDT', 1, 'firing', firing);

    a.child.kill('SIGKILL');
    const run = await a.done;
    const killedAt = Date.now();
    expect(run.signal).to.equal('SIGKILL');
    await waitUntil(() => a.exchange.openConnections === 0, 'A gone from its exchange');
    const since = Date.now();
    tick(supervisors, 'SOL/USDT', 106, since);
    await notifiedOnce('SOL/USDT', 1, 'firing', since);
    expect(priceLevels(b, 'SOL/USDT')).to.deep.equal([1]);
    expect(priceLevels(a, 'SOL/USDT')).to.deep.equal([]);

    // A's copy of the ADA move would have expired 4 x resend_every_ms after A's last send; B's re-sends keep it firing.
    await waitUntil(() => Date.now() > killedAt + 4 * RESEND_EVERY_MS + GRACE_MS, 'past the expiry of A\'s last send', 30_000);
    for (const peer of livePeers()) {
      const alerts = (await (await fetch(`${peer.url}/api/v2/alerts?filter=${encodeURIComponent('symbol="ADA/USDT"')}`)).json()) as { status: { state: string } }[];
      expect(alerts.map((alert) => alert.status.state), peer.name).to.deep.equal(['active']);
    }
    expect(notificationsOf('ADA/USDT', 1, 'resolved')).to.deep.equal([]);
  });

  it('A restarted and one Alertmanager peer killed: still exactly one notification per move, resolutions included', async () => {
    const [a, b] = supervisors as [Supervisor, Supervisor];
    await start(a);
    // Kill the peer that has been notifying (the first in the cluster's order): the other must take over.
    const [sender, other] = [...cluster.peers].sort((x, y) => y.notifySuccesses() - x.notifySuccesses()) as [AlertmanagerPeer, AlertmanagerPeer];
    await sender.kill();
    const since = Date.now();
    tick(supervisors, 'XRP/USDT', 106, since);
    await notifiedOnce('XRP/USDT', 1, 'firing', since);
    expect(other.notifySuccesses()).to.be.at.least(1);
    // Each supervisor delivered to the surviving peer and said so once.
    const deadHost = new URL(sender.url).host;
    await eventually(async () => {
      for (const supervisor of supervisors) expect(supervisor.output).to.include(`alertmanager peer ${deadHost} did not take the alerts`);
    });
    expect(priceLevels(a, 'XRP/USDT')).to.deep.equal([1]);
    expect(priceLevels(b, 'XRP/USDT')).to.deep.equal([1]);

    // ADA fired before A died (restarted A remembers it), SOL while A was down (A never raised it), XRP on both:
    // each re-arms on the replicas that have it, and each is resolved once.
    const rearmed = Date.now();
    for (const symbol of ['ADA/USDT', 'SOL/USDT', 'XRP/USDT']) tick(supervisors, symbol, 103, rearmed);
    await Promise.all(['ADA/USDT', 'SOL/USDT', 'XRP/USDT'].map((symbol) => notifiedOnce(symbol, 1, 'resolved', rearmed)));
  });

  it('over the whole run, no notification was sent twice', () => {
    const keys = notifications().map((n) => `${n.status} ${n.groupLabels.symbol} level ${n.groupLabels.level}`);
    expect(keys).to.have.members([
      'firing BTC/USDT level 1', 'resolved BTC/USDT level 1',
      'firing ETH/USDT level 1', 'firing ETH/USDT level 2', 'resolved ETH/USDT level 1', 'resolved ETH/USDT level 2',
      'firing ADA/USDT level 1', 'resolved ADA/USDT level 1',
      'firing SOL/USDT level 1', 'resolved SOL/USDT level 1',
      'firing XRP/USDT level 1', 'resolved XRP/USDT level 1',
    ]);
  });
});
