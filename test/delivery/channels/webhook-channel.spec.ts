import { expect } from 'chai';
import { webhookChannel } from '../../../src/delivery/channels/webhook-channel.js';
import { attempt } from './attempt.js';
import { startRecordingHttpServer, type RecordingHttpServer } from '../../helpers/recording-http-server.js';
import { batchOf, btcRearmed, btcUp } from './channel-fixtures.js';

describe('webhookChannel', () => {
  let server: RecordingHttpServer;
  beforeEach(async () => {
    server = await startRecordingHttpServer();
  });
  afterEach(() => server.close());

  it('is webhook-<n>, labelled by host only', () => {
    const channel = webhookChannel(
      { url: 'https://hooks.slack.com/services/T000/B000/XXXX', format: 'slack', group_wait_ms: 2500, headers: {} },
      1,
    );
    expect([channel.id, channel.label, channel.groupWaitMs]).to.deep.equal(['webhook-2', 'webhook 2 (hooks.slack.com)', 2500]);
  });

  it('posts the format with the configured headers, which win over the format\'s', async () => {
    const channel = webhookChannel(
      {
        url: `${server.url}/topic?auth=SECRET`,
        format: 'ntfy',
        group_wait_ms: 0,
        headers: { Authorization: 'Bearer SECRET-TOKEN', Priority: 'urgent' },
      },
      0,
    );
    expect(await attempt(channel, batchOf([btcUp], { id: 'webhook-1-0' }))).to.equal('delivered');
    const [request] = server.requests;
    expect(request!.path).to.equal('/topic?auth=SECRET');
    expect(request!.headers.authorization).to.equal('Bearer SECRET-TOKEN');
    expect(request!.headers.priority).to.equal('urgent');
    expect(request!.headers['idempotency-key']).to.equal('webhook-1-0');
    expect(request!.headers['user-agent']).to.equal('crypto-supervisor');
  });

  it('does not take re-arms (default accepts)', () => {
    const channel = webhookChannel({ url: server.url, format: 'json', group_wait_ms: 0, headers: {} }, 0);
    expect(channel.accepts).to.equal(undefined);
  });

  it('turns userinfo in the URL into Basic auth, and never shows it', async () => {
    const url = server.url.replace('http://', 'http://hookuser:HOOKPASS@');
    const channel = webhookChannel({ url: `${url}/h`, format: 'json', group_wait_ms: 0, headers: {} }, 0);
    server.script({ status: 401, body: 'bad credentials hookuser:HOOKPASS' });
    const failure = await attempt(channel, batchOf([btcUp]));
    expect(server.requests[0]!.headers.authorization).to.equal(`Basic ${Buffer.from('hookuser:HOOKPASS').toString('base64')}`);
    expect(failure).to.deep.equal({ permanent: true, reason: `HTTP 401 from ${server.url}: bad credentials …:…` });
    expect(channel.label).to.equal(`webhook 1 (${new URL(server.url).host})`);
  });

  it('json: the body holds the journal records; a re-arm given anyway is passed as a record but not as text', async () => {
    const channel = webhookChannel({ url: server.url, format: 'json', group_wait_ms: 0, headers: {} }, 0);
    await attempt(channel, batchOf([btcUp, btcRearmed]));
    const body = JSON.parse(server.requests[0]!.body);
    expect(body.alerts).to.deep.equal([btcUp, btcRearmed]);
    expect(body.text).to.equal('BTC/USDT +5.23% in 24h on binance, threshold 5%: now 36,812.50, was 34,983.10');
  });
});
