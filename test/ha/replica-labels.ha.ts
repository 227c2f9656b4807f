import { join } from 'node:path';
import { expect } from 'chai';
import { lastValueFrom } from 'rxjs';
import type { Channel, DeliveryBatch } from '../../src/delivery/channel.js';
import { alertmanagerChannel } from '../../src/delivery/channels/alertmanager-channel.js';
import type { MoveRearmed, PriceAlert } from '../../src/domain/alert.js';
import { type AlertmanagerCluster, flushedAndQuiet, haAlertmanagerConfig, startAlertmanagerCluster } from '../helpers/alertmanager-cluster.js';
import { eventually } from '../helpers/eventually.js';
import { type RecordingHttpServer, startRecordingHttpServer } from '../helpers/recording-http-server.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

interface Notification {
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly { status: string; labels: Record<string, string> }[];
}

const PEER_TIMEOUT_MS = 1000;

/**
 * What the README says of a label that differs per replica (`external_labels:
 * { replica: a }`), shown against the real Alertmanager with deploy/ha's route,
 * whose `group_by` leaves `replica` out: the two replicas' posts are two alerts
 * in one group (one notification listing both), and each copy resolves on its
 * own (a second notification). The channels post directly here: what is under
 * test is Alertmanager's side.
 */
describe('ha: a label that differs per replica makes two Alertmanager alerts (real Alertmanager)', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let receiver: RecordingHttpServer;
  let cluster: AlertmanagerCluster;

  before(async () => {
    dir = tempDir('crypto-supervisor-ha-');
    receiver = await startRecordingHttpServer();
    cluster = await startAlertmanagerCluster({
      dir: dir.path,
      config: haAlertmanagerConfig(join(REPO_ROOT, 'deploy/ha/alertmanager.yml'), `${receiver.url}/alerts`, PEER_TIMEOUT_MS),
      peerTimeout: `${PEER_TIMEOUT_MS}ms`,
    });
  });

  after(async () => {
    await cluster?.stop();
    await receiver?.close();
    dir?.remove();
  });

  const notifications = (): Notification[] =>
    receiver.requests.filter((r) => r.path === '/alerts').map((r) => JSON.parse(r.body) as Notification);

  const channelOf = (replica: string): Channel =>
    alertmanagerChannel({ urls: cluster.peers.map((peer) => peer.url), resend_every_ms: 60_000, external_labels: { replica } });

  const send = (channel: Channel, batch: DeliveryBatch) => lastValueFrom(channel.send(batch), { defaultValue: undefined });

  it('grouped without the label: one notification listing both copies; a copy resolved alone is a second notification', async () => {
    const [a, b] = [channelOf('a'), channelOf('b')];
    const since = Date.now();
    const move: PriceAlert = {
      kind: 'price', ts: since, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
      change: 0.06, price: 106, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1,
    };
    await Promise.all([a, b].map((channel) => send(channel, { id: 'alertmanager-0', entries: [{ offset: 0, entry: move }] })));
    const group = (key: string) => key.includes('symbol="BTC/USDT"');
    await eventually(async () => expect(notifications()).to.have.length.at.least(1), 30_000);
    await flushedAndQuiet(cluster, group, 'active', since);
    expect(notifications()).to.have.length(1);
    const [first] = notifications();
    expect(first!.alerts.map((alert) => `${alert.labels.replica} ${alert.status}`)).to.have.members(['a firing', 'b firing']);

    // Only replica a sees the re-arm: its copy resolves, b's still fires, and Alertmanager tells the receiver.
    const rearmedAt = Date.now();
    const rearm: MoveRearmed = { kind: 'rearm', ts: rearmedAt, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 1 };
    await send(a, { id: 'alertmanager-1', entries: [{ offset: 1, entry: rearm }] });
    await eventually(async () => expect(notifications()).to.have.length.at.least(2), 30_000);
    await flushedAndQuiet(cluster, group, 'resolved', rearmedAt);
    expect(notifications()).to.have.length(2);
    const second = notifications()[1]!;
    expect(second.status).to.equal('firing');
    expect(second.alerts.map((alert) => `${alert.labels.replica} ${alert.status}`)).to.have.members(['a resolved', 'b firing']);
  });
});
