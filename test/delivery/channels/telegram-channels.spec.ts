import { expect } from 'chai';
import { telegramChannels } from '../../../src/delivery/channels/telegram-channels.js';
import { attempt } from './attempt.js';
import { startRecordingHttpServer, type RecordingHttpServer } from '../../helpers/recording-http-server.js';
import { batchOf, btcUp } from './channel-fixtures.js';

const TOKEN = '123456:SECRET-bot-token';

describe('telegramChannels against a Bot API server on loopback', () => {
  let api: RecordingHttpServer;
  beforeEach(async () => {
    api = await startRecordingHttpServer();
    api.answerWith({ status: 200, body: { ok: true, result: { message_id: 1 } } });
  });
  afterEach(() => api.close());

  const channelsFor = (chatIds: (number | string)[]) =>
    telegramChannels({ bot_token: TOKEN, chat_ids: chatIds, api_url: `${api.url}/`, group_wait_ms: 5000 });

  it('is one channel per chat, named by the chat id, the token nowhere', () => {
    const channels = channelsFor([123456789, -1001234567890, '@price_alerts']);
    expect(channels.map((c) => [c.id, c.label, c.groupWaitMs])).to.deep.equal([
      ['telegram-123456789', `telegram 123456789 (${new URL(api.url).host})`, 5000],
      ['telegram--1001234567890', `telegram -1001234567890 (${new URL(api.url).host})`, 5000],
      ['telegram-@price_alerts', `telegram @price_alerts (${new URL(api.url).host})`, 5000],
    ]);
  });

  it('calls sendMessage with the chat id and the text, with the batch id as Idempotency-Key', async () => {
    const [channel] = channelsFor([42]);
    expect(await attempt(channel!, batchOf([btcUp], { id: 'telegram-42-0' }))).to.equal('delivered');
    const [request] = api.requests;
    expect(request!.method).to.equal('POST');
    expect(request!.path).to.equal(`/bot${TOKEN}/sendMessage`);
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(request!.headers['idempotency-key']).to.equal('telegram-42-0');
    expect(JSON.parse(request!.body)).to.deep.equal({
      chat_id: 42,
      text: 'BTC/USDT +5.23% in 24h on binance, threshold 5%: now 36,812.50, was 34,983.10',
    });
  });

  it('a 429 is temporary with parameters.retry_after, and the next attempt is delivered', async () => {
    api.script({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } },
    });
    const [channel] = channelsFor([42]);
    const batch = batchOf([btcUp], { id: 'telegram-42-0' });
    expect(await attempt(channel!, batch)).to.deep.equal({
      permanent: false,
      reason: `HTTP 429 from ${api.url}: Too Many Requests: retry after 5`,
      retryAfterMs: 5000,
    });
    expect(await attempt(channel!, batch)).to.equal('delivered');
    expect(api.requests.map((r) => r.headers['idempotency-key'])).to.deep.equal(['telegram-42-0', 'telegram-42-0']);
  });

  it('a refusal (chat not found, bot blocked) is permanent, and quotes the Bot API without the token', async () => {
    api.script(
      { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } },
      { status: 401, body: { ok: false, error_code: 401, description: `Unauthorized: bot${TOKEN} is not a bot` } },
    );
    const [channel] = channelsFor([42]);
    expect(await attempt(channel!, batchOf([btcUp]))).to.deep.equal({
      permanent: true,
      reason: `HTTP 400 from ${api.url}: Bad Request: chat not found`,
    });
    const failure = await attempt(channel!, batchOf([btcUp]));
    expect(failure).to.deep.equal({ permanent: true, reason: `HTTP 401 from ${api.url}: Unauthorized: … is not a bot` });
  });

  it('a chat that fails does not make the other chats receive the batch twice', async () => {
    const [ok, blocked] = channelsFor([1, 2]);
    api.script({ status: 200, body: { ok: true } }, { status: 403, body: { ok: false, description: 'Forbidden: bot was blocked by the user' } });
    expect(await attempt(ok!, batchOf([btcUp]))).to.equal('delivered');
    expect(await attempt(blocked!, batchOf([btcUp]))).to.include({ permanent: true });
    // The delivery path retries only the failed channel: chat 1 got the batch once.
    expect(api.requests.map((r) => JSON.parse(r.body).chat_id)).to.deep.equal([1, 2]);
  });
});
