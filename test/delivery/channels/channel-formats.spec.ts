import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import type { DeliveryBatch } from '../../../src/delivery/channel.js';
import { alertmanagerChannel } from '../../../src/delivery/channels/alertmanager-channel.js';
import { DISCORD_MAX_CHARS } from '../../../src/delivery/channels/discord-format.js';
import { telegramChannels } from '../../../src/delivery/channels/telegram-channels.js';
import { webhookChannel } from '../../../src/delivery/channels/webhook-channel.js';
import type { WebhookFormat } from '../../../src/domain/config-types.js';
import { startRecordingHttpServer, type RecordedRequest, type RecordingHttpServer } from '../../helpers/recording-http-server.js';
import { T0, batchOf, btcUp, crash, digest30, divergenceDigest, divergenceSingle, ethDown, krakenDown, single } from './channel-fixtures.js';
import { expectGolden, renderRequest } from './golden.js';

/** The headers a golden shows: what the format sets, plus the idempotency key. */
const SHOWN_HEADERS = ['content-type', 'idempotency-key', 'title', 'priority', 'tags'];

function shownHeaders(request: RecordedRequest) {
  return Object.fromEntries(SHOWN_HEADERS.map((name) => [name, request.headers[name]]));
}

/** What a person reads in a chat format's body. */
function shownText(format: string, body: string): string | undefined {
  if (format === 'ntfy') return undefined;
  const parsed = JSON.parse(body) as { text?: string; content?: string };
  return parsed.content ?? parsed.text;
}

describe('channel formats (golden bodies, sent to a loopback server)', () => {
  let server: RecordingHttpServer;
  beforeEach(async () => {
    server = await startRecordingHttpServer();
  });
  afterEach(() => server.close());

  async function sendWebhook(format: WebhookFormat, batch: DeliveryBatch): Promise<RecordedRequest> {
    const channel = webhookChannel({ url: `${server.url}/hook/SECRET-PATH`, format, group_wait_ms: 0, headers: {} }, 0);
    await lastValueFrom(channel.send(batch).pipe(toArray()));
    expect(server.requests).to.have.length(1);
    return server.requests[0]!;
  }

  for (const format of ['slack', 'discord', 'ntfy', 'json'] as const) {
    for (const [name, batch] of [['single', single], ['digest30', digest30], ['divergence', divergenceSingle], ['divergence-digest', divergenceDigest]] as const) {
      it(`${format}: ${name}`, async () => {
        const request = await sendWebhook(format, batch);
        expect(request.method).to.equal('POST');
        expect(request.path).to.equal('/hook/SECRET-PATH');
        expectGolden(`${format}-${name}.txt`, renderRequest(shownHeaders(request), request.body, shownText(format, request.body)));
      });
    }
  }

  for (const [name, batch] of [['single', single], ['digest30', digest30], ['divergence', divergenceSingle], ['divergence-digest', divergenceDigest]] as const) {
    it(`telegram: ${name}`, async () => {
      const [channel] = telegramChannels({ bot_token: '123:SECRET', chat_ids: [4242], api_url: server.url, group_wait_ms: 0 });
      await lastValueFrom(channel!.send(batch).pipe(toArray()));
      const request = server.requests[0]!;
      expect(request.path).to.equal('/bot123:SECRET/sendMessage');
      expectGolden(`telegram-${name}.txt`, renderRequest(shownHeaders(request), request.body, JSON.parse(request.body).text));
    });

    it(`alertmanager: ${name}`, async () => {
      const channel = alertmanagerChannel(
        { urls: [server.url], resend_every_ms: 60_000 },
        { now: () => T0 + 5000 },
      );
      await lastValueFrom(channel.send({ ...batch, id: 'alertmanager-0' }).pipe(toArray()));
      const request = server.requests[0]!;
      expect(request.path).to.equal('/api/v2/alerts');
      expectGolden(`alertmanager-${name}.txt`, renderRequest(shownHeaders(request), request.body));
    });
  }

  it('json: the records carry the numbers as the journal writes them, without binary float noise', async () => {
    const noisy = { ...btcUp, change: 0.06000000000000005, price: 0.1 + 0.2 };
    const request = await sendWebhook('json', batchOf([noisy]));
    expect(request.body).to.include('"change":0.06,').and.include('"price":0.3,');
    const [record] = (JSON.parse(request.body) as { alerts: { change: number; price: number; ts: number }[] }).alerts;
    expect(record).to.include({ change: 0.06, price: 0.3, ts: btcUp.ts });
  });

  it('discord cuts a long digest at 2000 characters with "and N more"', async () => {
    const request = await sendWebhook('discord', batchOf(crash(200)));
    const { content } = JSON.parse(request.body) as { content: string };
    expect(content.length).to.be.at.most(DISCORD_MAX_CHARS);
    expect(content).to.match(/\nand \d+ more$/);
    const shown = content.split('\n').filter((line) => line.startsWith('- ')).length;
    expect(content).to.match(new RegExp(`and ${200 - shown} more$`));
  });

  it('ntfy is high priority for an escalation or a blind feed, default otherwise', async () => {
    for (const [entries, priority] of [[[btcUp], 'default'], [[ethDown], 'high'], [[krakenDown], 'high']] as const) {
      const channel = webhookChannel({ url: `${server.url}/t`, format: 'ntfy', group_wait_ms: 0, headers: {} }, 0);
      await lastValueFrom(channel.send(batchOf(entries)).pipe(toArray()));
      expect(server.requests.at(-1)!.headers.priority, entries[0]!.kind).to.equal(priority);
    }
  });

  for (const format of ['slack', 'discord', 'ntfy', 'json'] as const) {
    it(`${format}: a --test-alert is marked as a test`, async () => {
      const request = await sendWebhook(format, batchOf([btcUp], { test: true }));
      expect(request.body).to.include('[TEST]');
      if (format === 'ntfy') {
        expect(request.headers.title).to.match(/^\[TEST\] /);
        expect(request.headers.tags).to.include('test');
      }
      if (format === 'json') expect(JSON.parse(request.body)).to.include({ test: true });
    });
  }

  it('telegram and alertmanager mark a --test-alert as a test', async () => {
    const [telegram] = telegramChannels({ bot_token: '1:x', chat_ids: [1], api_url: server.url, group_wait_ms: 0 });
    const alertmanager = alertmanagerChannel({ urls: [server.url], resend_every_ms: 60_000 });
    await lastValueFrom(telegram!.send(batchOf([btcUp], { test: true })).pipe(toArray()));
    await lastValueFrom(alertmanager.send(batchOf([btcUp], { test: true })).pipe(toArray()));
    expect(JSON.parse(server.requests[0]!.body).text).to.match(/^\[TEST\] /);
    const [posted] = JSON.parse(server.requests[1]!.body) as { labels: Record<string, string>; annotations: { summary: string } }[];
    expect(posted!.labels.test).to.equal('true');
    expect(posted!.annotations.summary).to.match(/^\[TEST\] /);
  });
});
