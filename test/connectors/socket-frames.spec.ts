import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { SocketClosedError, socketFrames, type SocketEvent } from '../../src/connectors/socket-frames.js';
import { FakeExchangeServer, waitUntil } from '../helpers/fake-exchange-server.js';

describe('socketFrames', () => {
  let server: FakeExchangeServer;
  beforeEach(async () => (server = await FakeExchangeServer.start()));
  afterEach(() => server.close());

  it('emits open, then text, binary, ping and pong events; send and ping reach the server', async () => {
    const events: SocketEvent[] = [];
    const subscription = socketFrames(server.url).subscribe((event) => {
      events.push(event);
      if (event.type === 'open') {
        event.socket.send('hello');
        event.socket.ping();
      }
    });
    try {
      await waitUntil(() => server.openConnections === 1 && server.received.length === 1 && events.some((e) => e.type === 'pong'), 'open, send, pong');
      server.push('{"a":1}');
      server.push(Buffer.from([1, 2, 3]));
      server.ping();
      await waitUntil(() => events.length === 5, 'five events');
      expect(events.map((e) => e.type)).to.deep.equal(['open', 'pong', 'text', 'binary', 'ping']);
      expect(events[2]).to.deep.equal({ type: 'text', text: '{"a":1}' });
      expect(events[3]).to.deep.equal({ type: 'binary', bytes: 3 });
      expect(server.received[0]?.text).to.equal('hello');
      expect(server.pingsReceived).to.equal(1);
    } finally {
      subscription.unsubscribe();
    }
    await waitUntil(() => server.openConnections === 0, 'the socket closed by unsubscribing');
  });

  it('errors with the close code and reason when the server closes', async () => {
    const error = lastValueFrom(socketFrames(server.url)).catch((e: unknown) => e);
    await waitUntil(() => server.openConnections === 1, 'the connection');
    server.closeOldest(1001, 'going away');
    const closed = await error;
    expect(closed).to.be.instanceOf(SocketClosedError);
    expect(closed).to.include({ code: 1001, reason: 'going away', message: 'connection closed (code 1001, going away)' });
  });

  it('errors when the server refuses the upgrade', async () => {
    server.refuse = true;
    const error = await firstValueFrom(socketFrames(server.url)).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('Unexpected server response: 503');
  });

  it('errors with FrameTooLargeError when a frame exceeds maxFrameBytes', async () => {
    const events = lastValueFrom(socketFrames(server.url, { maxFrameBytes: 10 }).pipe(take(5), toArray())).catch((e: unknown) => e);
    await waitUntil(() => server.openConnections === 1, 'the connection');
    server.push('x'.repeat(11));
    expect(await events).to.have.property('name', 'FrameTooLargeError');
  });
});
