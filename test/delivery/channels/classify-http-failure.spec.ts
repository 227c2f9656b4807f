import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import type { DeliveryFailure } from '../../../src/delivery/channel.js';
import { classifyHttpFailure } from '../../../src/delivery/channels/classify-http-failure.js';
import { HttpPostError } from '../../../src/delivery/channels/http-post-error.js';
import { postAccepted } from '../../../src/delivery/channels/post-accepted.js';
import { secretsOf } from '../../../src/delivery/channels/redact-secrets.js';
import { retryAfterMs } from '../../../src/delivery/channels/retry-after-ms.js';
import { startRecordingHttpServer, type RecordingHttpServer, type ScriptedAnswer } from '../../helpers/recording-http-server.js';

const SECRET_PATH = '/services/T000SECRET/B000SECRET/XXXXSECRET';

/** Posts once to the server with `answer` scripted; the classification, or `delivered`. */
async function outcomeOf(server: RecordingHttpServer, answer: ScriptedAnswer, timeoutMs = 5000): Promise<DeliveryFailure | 'delivered'> {
  server.script(answer);
  const url = `${server.url}${SECRET_PATH}?token=QUERYSECRET`;
  try {
    await lastValueFrom(
      postAccepted(
        { url, headers: { authorization: 'Bearer HEADERSECRET' }, body: '{}', idempotencyKey: 'batch-7' },
        { timeoutMs, secrets: secretsOf(url, ['Bearer HEADERSECRET']), now: () => Date.parse('2026-01-01T00:00:00Z') },
      ).pipe(toArray()),
    );
    return 'delivered';
  } catch (error) {
    return classifyHttpFailure(error);
  }
}

describe('classifyHttpFailure against a loopback server', () => {
  let server: RecordingHttpServer;
  beforeEach(async () => {
    server = await startRecordingHttpServer();
  });
  afterEach(() => server.close());

  for (const status of [200, 201, 202, 204]) {
    it(`${status} is delivered`, async () => {
      expect(await outcomeOf(server, { status })).to.equal('delivered');
    });
  }

  for (const status of [408, 500, 502, 503, 504]) {
    it(`${status} is temporary`, async () => {
      const failure = await outcomeOf(server, { status, body: 'upstream trouble' });
      expect(failure).to.deep.equal({ permanent: false, reason: `HTTP ${status} from ${server.url}: upstream trouble` });
    });
  }

  it('429 is temporary, with Retry-After in seconds', async () => {
    const failure = await outcomeOf(server, { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
    expect(failure).to.deep.equal({ permanent: false, reason: `HTTP 429 from ${server.url}: slow down`, retryAfterMs: 7000 });
  });

  it('429 is temporary, with Retry-After as an HTTP date', async () => {
    const failure = await outcomeOf(server, { status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' } });
    expect(failure).to.include({ permanent: false, retryAfterMs: 30_000 });
  });

  it('503 with Retry-After carries it too', async () => {
    const failure = await outcomeOf(server, { status: 503, headers: { 'retry-after': '120' } });
    expect(failure).to.include({ permanent: false, retryAfterMs: 120_000 });
  });

  for (const status of [400, 401, 403, 404, 410, 413, 422]) {
    it(`${status} is permanent`, async () => {
      const failure = await outcomeOf(server, { status, body: 'invalid_payload' });
      expect(failure).to.deep.equal({ permanent: true, reason: `HTTP ${status} from ${server.url}: invalid_payload` });
    });
  }

  it('a redirect is permanent (not followed: the URL is wrong)', async () => {
    const failure = await outcomeOf(server, { status: 301, headers: { location: '/elsewhere' }, body: '' });
    expect(failure).to.deep.equal({ permanent: true, reason: `HTTP 301 from ${server.url}` });
  });

  it('a refused connection is temporary', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let failure: DeliveryFailure | undefined;
    await lastValueFrom(
      postAccepted({ url: `http://127.0.0.1:${port}${SECRET_PATH}`, headers: {}, body: '{}', idempotencyKey: 'b' }),
    ).catch((error: unknown) => {
      failure = classifyHttpFailure(error);
    });
    expect(failure).to.deep.equal({ permanent: false, reason: `cannot reach http://127.0.0.1:${port} (ECONNREFUSED)` });
  });

  it('no answer within the timeout is temporary', async () => {
    const failure = await outcomeOf(server, { status: 200, hang: true }, 200);
    expect(failure).to.deep.equal({ permanent: false, reason: `no answer from ${server.url} within 200 ms` });
  });

  it('sends the batch id as Idempotency-Key, the same on a retry', async () => {
    await outcomeOf(server, { status: 500 });
    await outcomeOf(server, { status: 200 });
    expect(server.requests.map((r) => r.headers['idempotency-key'])).to.deep.equal(['batch-7', 'batch-7']);
    expect(server.requests[0]!.method).to.equal('POST');
  });

  it('never quotes the URL path, query or a header value, even when the receiver echoes them', async () => {
    const echo = `no route for POST ${SECRET_PATH}?token=QUERYSECRET (auth Bearer HEADERSECRET)`;
    const failure = await outcomeOf(server, { status: 404, body: echo });
    expect(failure).to.include({ permanent: true });
    const reason = (failure as DeliveryFailure).reason;
    for (const secret of ['T000SECRET', 'B000SECRET', 'XXXXSECRET', 'QUERYSECRET', 'HEADERSECRET', 'services']) {
      expect(reason).not.to.include(secret);
    }
    expect(reason).to.equal(`HTTP 404 from ${server.url}: no route for POST … (auth …)`);
  });

  it('an error that is not an HttpPostError is temporary and quotes no message', () => {
    const error = Object.assign(new TypeError('Invalid URL https://x/SECRET'), { code: 'ERR_INVALID_URL' });
    expect(classifyHttpFailure(error)).to.deep.equal({ permanent: false, reason: 'unexpected error: TypeError (ERR_INVALID_URL)' });
  });

  it('an HttpPostError without a status is temporary', () => {
    expect(classifyHttpFailure(new HttpPostError('ENETWORK', 'cannot reach https://x (ECONNRESET)', 'https://x'))).to.deep.equal({
      permanent: false,
      reason: 'cannot reach https://x (ECONNRESET)',
    });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores the rest', () => {
    expect([retryAfterMs('30', 0), retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 0), retryAfterMs('soon', 0)]).to.deep.equal([
      30_000,
      5000,
      undefined,
    ]);
    expect(retryAfterMs(undefined, 0)).to.equal(undefined);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 10_000)).to.equal(0);
  });
});
