import { expect } from 'chai';
import { type Observable, finalize, map, merge, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Connector } from '../../src/connectors/connector.js';
import { connectorTicks } from '../../src/connectors/connector-ticks.js';
import { FeedConfigError } from '../../src/connectors/feed-config-error.js';
import type { FeedOptions } from '../../src/connectors/feed-options.js';
import { rejectFrame } from '../../src/connectors/frame-rejection.js';
import { controlFrame, heartbeatFrame, rejectedFrame, ticksFrame, transportFrame } from '../../src/connectors/parsed-frame.js';
import { FrameTooLargeError, type SocketControl, type SocketEvent } from '../../src/connectors/socket-frames.js';
import type { ExchangeConfig } from '../../src/domain/config-types.js';
import type { FeedEvent, FeedStatus } from '../../src/domain/feed-status.js';
import type { Tick } from '../../src/domain/tick.js';
import { createLogger } from '../../src/log.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

/**
 * The shared lifecycle in virtual time. The sockets are marbles: `o` opens,
 * letters are text frames of a minimal connector ("SYMBOL PRICE TS"), `h` a
 * heartbeat-channel message, `k` an ack (transport only), `x` a frame it
 * rejects, `p` a pong, `#` the connection failing or closing.
 */
const lineConnector: Connector = {
  id: 'test',
  url: 'ws://test.invalid',
  limits: { maxSymbolsPerConnection: Infinity, minConnectIntervalMs: 0, connectionLifetimeMs: Infinity, pingIntervalMs: 60_000, maxFrameBytes: 1024 },
  nativeSymbol: (symbol) => (symbol.includes('XXX') ? { message: `no ${symbol} here` } : symbol),
  subscribeMessages: (symbols) => [`subscribe ${symbols.join(',')}`],
  liveness: { heartbeat: '"hb" frames', staleAfterMs: 5000 },
  parse(frame, receivedAt) {
    if (frame === 'hb') return heartbeatFrame;
    if (frame === 'ack') return transportFrame;
    if (frame === 'bye') return controlFrame({ kind: 'shutdown', message: 'server going away' });
    const [symbol = '', price, ts] = frame.split(' ');
    if (!Number.isFinite(Number(price)) || !Number.isFinite(Number(ts))) return rejectedFrame(rejectFrame('not_a_number', frame));
    return ticksFrame([{ exchange: 'test', symbol, price: Number(price), ts: Number(ts), receivedAt }]);
  },
};

const CFG: ExchangeConfig = { symbols: ['BTC/USD', 'ETH/USD'], reconnect_delay: 1, reconnect_max_delay: 8, stale_after_ms: 5000, enabled: true };

interface Recorder {
  /** Virtual times of connection attempts, and of socket closes (unsubscriptions). */
  readonly attempts: number[];
  readonly closes: number[];
  readonly pings: number[];
  readonly sent: string[];
  readonly events: FeedEvent[];
  readonly lines: string[];
  readonly control: SocketControl;
  options(sockets: (attempt: number) => Observable<SocketEvent>, extra?: Partial<FeedOptions>): FeedOptions;
  statuses(): FeedStatus[];
}

function recorder(testScheduler: TestScheduler): Recorder {
  const r = {
    attempts: [] as number[], closes: [] as number[], pings: [] as number[], sent: [] as string[], events: [] as FeedEvent[],
    lines: [] as string[],
    control: {} as SocketControl,
  };
  r.control = { send: (text) => r.sent.push(text), ping: () => r.pings.push(testScheduler.now()) };
  return {
    ...r,
    options: (sockets, extra = {}) => ({
      scheduler: testScheduler,
      random: () => 0.5,
      events: { next: (event) => r.events.push(event) },
      logger: createLogger('feed', { level: 'DEBUG', write: (line) => r.lines.push(`${testScheduler.now()} ${line.slice(20)}`) }),
      openSocket: () => {
        r.attempts.push(testScheduler.now());
        return sockets(r.attempts.length - 1).pipe(finalize(() => r.closes.push(testScheduler.now())));
      },
      ...extra,
      limits: { ...lineConnector.limits, ...extra.limits },
    }),
    statuses: () => r.events.flatMap((e) => (e.type === 'status' ? [e.status] : [])),
  };
}

const text = (frame: string): SocketEvent => ({ type: 'text', text: frame });

describe('connectorTicks (virtual time)', () => {
  let testScheduler: TestScheduler;
  let rec: Recorder;
  beforeEach(() => {
    testScheduler = createTestScheduler();
    rec = recorder(testScheduler);
  });

  /** Runs the feed until `stopAt` (virtual ms) and returns its ticks. */
  function run(sockets: (cold: TestScheduler['createColdObservable'], attempt: number) => Observable<SocketEvent>,
    stopAt: number, cfg: Partial<ExchangeConfig> = {}, extra: Partial<FeedOptions> = {}): Tick[] {
    const ticks: Tick[] = [];
    testScheduler.run(({ cold }) => {
      const subscription = connectorTicks(lineConnector, { ...CFG, ...cfg }, rec.options((attempt) => sockets(cold, attempt), extra))
        .subscribe((tick) => ticks.push(tick));
      testScheduler.schedule(() => subscription.unsubscribe(), stopAt);
    });
    return ticks;
  }

  const values = (socket: SocketControl) => ({
    o: { type: 'open', socket } as SocketEvent,
    h: text('hb'),
    k: text('ack'),
    x: text('garbage'),
    p: { type: 'pong' } as SocketEvent,
    a: text('BTC/USD 100 1000'),
    b: text('ETH/USD 10 2000'),
    c: text('BTC/USD 101 5000'),
    d: text('ETH/USD 11 5500'),
    e: text('BTC/USD 102 6000'),
  });

  describe('backoff', () => {
    it('refused connections: waits reconnect_delay, doubles up to reconnect_max_delay, with jitter (0.5 → 3/4 of nominal)', () => {
      run((cold) => cold('#', {}, new Error('connect ECONNREFUSED 127.0.0.1:9')), 24_000);
      // nominal 1, 2, 4, 8, 8, 8 s → 0.75, 1.5, 3, 6, 6, 6 s
      expect(rec.attempts).to.deep.equal([0, 750, 2250, 5250, 11_250, 17_250, 23_250]);
      expect(rec.lines.filter((l) => l.includes('[ERROR]'))).to.have.length(7);
      expect(rec.lines).to.include('0 [ERROR] feed.test: connect ECONNREFUSED 127.0.0.1:9');
      expect(rec.lines).to.include('5250 [INFO] feed.test: reconnecting in 6 s (attempt 4)');
      const last = rec.statuses().at(-2);
      expect(last).to.deep.equal({
        exchange: 'test', state: 'backoff', since: 23_250, reconnects: 6, reason: 'connect ECONNREFUSED 127.0.0.1:9', notLiveSince: 0,
      });
      expect(rec.statuses().at(-1)).to.deep.include({ state: 'stopped', since: 24_000 });
    });

    it('a server that accepts and drops at once is not hammered: the delay still grows', () => {
      run((cold) => cold('o#', values(rec.control), new Error('connection closed (code 1006)')), 24_000);
      expect(rec.attempts).to.deep.equal([0, 751, 2252, 5253, 11_254, 17_255, 23_256]);
    });

    it('never gives up: still retrying at the cap after an hour', () => {
      run((cold) => cold('#'), 3_600_000);
      expect(rec.attempts.length).to.be.greaterThan(590);
      const gaps = rec.attempts.slice(1).map((at, i) => at - rec.attempts[i]!);
      expect(gaps.slice(-3)).to.deep.equal([6000, 6000, 6000]);
    });

    it('resets once a connection has delivered data for 10 s', () => {
      const healthy = `o ${'a 999ms '.repeat(12)}#`; // frames from 1 ms to 11001 ms, then a drop
      run((cold, attempt) => (attempt === 2 ? cold(healthy, values(rec.control)) : cold('#')), 20_000);
      // 0 and 750 refused (two failures); 2250 healthy for 12 s, drops at 14251; the retry waits 0.75 s again, not 3 s
      expect(rec.attempts.slice(0, 4)).to.deep.equal([0, 750, 2250, 15_001]);
    });

    it('does not reset after a shorter spell of data', () => {
      const brief = `o ${'a 999ms '.repeat(5)}#`; // drops at 5001 ms
      run((cold, attempt) => (attempt === 2 ? cold(brief, values(rec.control)) : cold('#')), 20_000);
      expect(rec.attempts.slice(0, 4)).to.deep.equal([0, 750, 2250, 2250 + 5001 + 3000]);
    });
  });

  describe('watchdog', () => {
    it('a silent-but-open socket is logged at WARN, closed and reconnected; the client pinged and got no pong', () => {
      run((cold) => cold('o a', values(rec.control)), 8000);
      expect(rec.attempts).to.deep.equal([0, 5751]);
      expect(rec.closes[0]).to.equal(5001);
      expect(rec.pings.filter((at) => at < 5001)).to.deep.equal([1666, 3332, 4998]);
      expect(rec.lines).to.include('5001 [WARN] feed.test: no message for 5000 ms: stale, reconnecting');
      expect(rec.statuses().map((s) => [s.state, s.since])).to.deep.equal([
        ['connecting', 0], ['live', 1], ['stale', 5001], ['backoff', 5001], ['connecting', 5751], ['live', 5752], ['stopped', 8000],
      ]);
    });

    it("the exchange's heartbeats keep a quiet market's socket open", () => {
      run((cold) => cold(`o ${'h 1999ms '.repeat(15)}`, values(rec.control)), 30_000);
      expect(rec.attempts).to.deep.equal([0]);
    });

    it('pongs do not keep a socket without data open: no data for stale_after_ms → WARN, close, reconnect', () => {
      run((cold, attempt) => cold(attempt === 0 ? `o a ${'p 999ms '.repeat(30)}` : 'o a', values(rec.control)), 8000);
      expect(rec.attempts).to.deep.equal([0, 5751]);
      expect(rec.closes[0]).to.equal(5001);
      expect(rec.lines).to.include('5001 [WARN] feed.test: no market data or heartbeat for 5000 ms: stale, reconnecting');
      expect(rec.statuses().map((s) => s.state)).to.deep.equal(['connecting', 'live', 'stale', 'backoff', 'connecting', 'live', 'stopped']);
    });

    it('acks and answers to requests prove the transport only, not the data path', () => {
      run((cold, attempt) => cold(attempt === 0 ? `o a ${'k 999ms '.repeat(30)}` : 'o a', values(rec.control)), 8000);
      expect(rec.attempts).to.deep.equal([0, 5751]);
      expect(rec.lines).to.include('5001 [WARN] feed.test: no market data or heartbeat for 5000 ms: stale, reconnecting');
    });

    it('the heartbeat channel counts as data: a connection of quiet symbols with a live heartbeat is never restarted', () => {
      run((cold) => cold(`o ${'h 999ms '.repeat(600)}`, values(rec.control)), 600_000);
      expect(rec.attempts).to.deep.equal([0]);
      expect(rec.statuses().map((s) => s.state)).to.deep.equal(['connecting', 'live', 'stopped']);
    });

    it('a quiet market is not restarted in a loop: each reconnect that brings no data either doubles the wait, up to 8 times', () => {
      const pongs = `o ${'p 999ms '.repeat(300)}`;
      run((cold) => cold(pongs, values(rec.control)), 300_000);
      // data timeouts 5, 10, 20, 40, 40 s (factor capped at 8), backoff 0.75, 1.5, 3, 6, 6 s (jitter 0.5)
      expect(rec.attempts).to.deep.equal([0, 5750, 17_250, 40_250, 86_250, 132_250, 178_250, 224_250, 270_250]);
      expect(rec.lines).to.include('5000 [INFO] feed.test: no data since the connection opened: the next one waits up to 10 s for data (a quiet market?)');
      expect(rec.lines.filter((l) => l.includes('waits up to'))).to.have.length(3);
    });

    it('the wait returns to stale_after_ms once data flows again', () => {
      const pongs = (count: number) => 'p 999ms '.repeat(count);
      run((cold, attempt) => cold(attempt === 1 ? `o ${pongs(6)}a ${pongs(60)}` : `o ${pongs(60)}`, values(rec.control)), 40_000);
      // 0: no data → closed at 5000, next wait 10 s; 5750: data at 11751 (wait back to 5 s), then only pongs → closed at 16751;
      // 18251 (backoff 1.5 s): 5 s again → closed at 23251
      expect(rec.attempts.slice(0, 3)).to.deep.equal([0, 5750, 18_251]);
      expect(rec.closes.slice(0, 3)).to.deep.equal([5000, 16_751, 23_251]);
    });
  });

  describe('degraded', () => {
    it('a connection whose frames are all rejected for stale_after_ms is degraded (WARN), not live, until data flows', () => {
      run((cold, attempt) => cold(attempt < 2 ? `o ${'x 99ms '.repeat(100)}` : 'o a', values(rec.control)), 15_000);
      expect(rec.lines.some((l) => /^5000 \[WARN\] feed\.test: all 50 frames of the last 5000 ms rejected \(last: not_a_number\): degraded, reconnecting$/.test(l)))
        .to.equal(true, rec.lines.join('\n'));
      expect(rec.statuses().map((s) => s.state)).to.deep.equal(['connecting', 'degraded', 'live', 'stopped']);
      const degraded = rec.statuses()[1]!;
      expect(degraded).to.include({ since: 5000, notLiveSince: 0 });
      expect(degraded.reason).to.match(/^all 50 frames/);
    });

    it('one good frame among the rejected ones keeps it live', () => {
      run((cold) => cold(`o ${'x 99ms a 99ms '.repeat(100)}`, values(rec.control)), 15_000);
      expect(rec.attempts).to.deep.equal([0]);
    });
  });

  describe('not live since', () => {
    it('counts the outage from the last moment the feed was live, not from the latest retry', () => {
      run((cold, attempt) => cold(attempt === 0 ? 'o a 100ms #' : '#', values(rec.control), new Error('connection closed')), 10_000);
      const down = rec.statuses().filter((s) => s.state !== 'live' && s.state !== 'stopped' && s.since > 1);
      expect(down.length).to.be.greaterThan(4);
      expect(down.every((s) => s.notLiveSince === 102)).to.equal(true, JSON.stringify(down));
      expect(rec.statuses().find((s) => s.state === 'live')).not.to.have.property('notLiveSince');
    });
  });

  describe('watchdog (transport)', () => {
    it('a connection attempt that hangs counts as stale too', () => {
      run((cold) => cold('-'), 6000);
      expect(rec.attempts).to.deep.equal([0, 5750]);
    });
  });

  describe('gaps', () => {
    it('after a reconnect, marks the first tick of each symbol with blindFrom and reports the gap once', () => {
      const events: FeedEvent[] = rec.events;
      const ticks = run((cold, attempt) => cold(attempt === 0 ? 'o a b #' : 'o c d e', values(rec.control)), 2000);
      expect(ticks.map((t) => [t.price, t.blindFrom])).to.deep.equal([[100, undefined], [10, undefined], [101, 1000], [11, 2000], [102, undefined]]);
      expect(ticks[2]).to.deep.equal({ exchange: 'test', symbol: 'BTC/USD', price: 101, ts: 5000, receivedAt: 754, blindFrom: 1000 });
      expect(events.filter((e) => e.type === 'gap')).to.deep.equal([{ type: 'gap', gap: { exchange: 'test', from: 2000, to: 5000 } }]);
      expect(rec.lines.some((l) => l.includes('[WARN] feed.test: blind for 3 s'))).to.equal(true);
    });

    it('a symbol that stays silent after the reconnect is marked when it finally ticks, even after another outage', () => {
      const ticks = run((cold, attempt) => cold(['o a b #', 'o c #', 'o d'][attempt] ?? '-', values(rec.control)), 5000);
      expect(ticks.map((t) => [t.symbol, t.blindFrom])).to.deep.equal([
        ['BTC/USD', undefined], ['ETH/USD', undefined], ['BTC/USD', 1000], ['ETH/USD', 2000],
      ]);
    });

    it('reports no gap for the first connection of the feed', () => {
      run((cold, attempt) => cold(attempt === 0 ? '#' : 'o a b', values(rec.control)), 2000);
      expect(rec.events.filter((e) => e.type === 'gap')).to.deep.equal([]);
    });
  });

  describe('handover (Binance 24 h rollover, serverShutdown)', () => {
    /** A server that sends the tick of each second, on the second, on every open connection. */
    const everySecond = (extra: Observable<SocketEvent> = of()) =>
      merge(
        of<SocketEvent>({ type: 'open', socket: rec.control }),
        timer(1000 - (testScheduler.now() % 1000), 1000, testScheduler).pipe(
          map(() => text(`BTC/USD ${100 + testScheduler.now() / 1000} ${testScheduler.now()}`)),
        ),
        extra,
      );

    it('at the connection lifetime, opens the new connection first and closes the old once the new one delivers: no gap, no duplicate', () => {
      const ticks = run(() => everySecond(), 25_500, { symbols: ['BTC/USD'] }, { limits: { connectionLifetimeMs: 10_000 } });
      expect(rec.attempts).to.deep.equal([0, 10_000, 20_000]);
      expect(rec.closes).to.deep.equal([11_000, 21_000, 25_500]);
      expect(ticks.map((t) => t.ts)).to.deep.equal(Array.from({ length: 25 }, (_, i) => (i + 1) * 1000));
      expect(ticks.every((t) => t.blindFrom === undefined)).to.equal(true);
      expect(rec.events.filter((e) => e.type === 'gap')).to.deep.equal([]);
      expect(rec.statuses().map((s) => s.state)).to.deep.equal(['connecting', 'live', 'stopped']);
    });

    it('on serverShutdown, hands over the same way', () => {
      const shutdown = timer(5500, testScheduler).pipe(map(() => text('bye')));
      const ticks = run((_, attempt) => everySecond(attempt === 0 ? shutdown : of()), 9500, { symbols: ['BTC/USD'] });
      expect(rec.attempts).to.deep.equal([0, 5500]);
      expect(rec.closes).to.deep.equal([6000, 9500]);
      expect(ticks.map((t) => t.ts)).to.deep.equal([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
      expect(rec.lines).to.include('5500 [INFO] feed.test: server going away: opening a new connection before this one closes');
    });

    it('when the old connection ends before the new one delivers, the handover still completes without a reconnect', () => {
      const old = merge(everySecond(), timer(10_500, testScheduler).pipe(map(() => { throw new Error('closed at 24 h'); })));
      const ticks = run((_, attempt) => (attempt === 0 ? old : everySecond()), 13_500, { symbols: ['BTC/USD'] }, { limits: { connectionLifetimeMs: 10_000 } });
      expect(rec.attempts).to.deep.equal([0, 10_000]);
      expect(ticks.map((t) => t.ts)).to.deep.equal(Array.from({ length: 13 }, (_, i) => (i + 1) * 1000));
      expect(rec.statuses().map((s) => s.state)).to.deep.equal(['connecting', 'live', 'stopped']);
    });
  });

  describe('several connections', () => {
    it('splits symbols over connections and spaces their attempts by the connection-rate limit', () => {
      run((cold) => cold('o a', values(rec.control)), 3000,
        { symbols: ['A/USD', 'B/USD', 'C/USD', 'D/USD', 'E/USD'] }, { limits: { maxSymbolsPerConnection: 2, minConnectIntervalMs: 1000 } });
      expect(rec.attempts).to.deep.equal([0, 1000, 2000]);
      expect(rec.sent).to.deep.equal(['subscribe A/USD,B/USD', 'subscribe C/USD,D/USD', 'subscribe E/USD']);
      // the feed is live only once every connection is
      expect(rec.statuses().map((s) => [s.state, s.since])).to.deep.equal([['connecting', 0], ['live', 2001], ['stopped', 3000]]);
    });

    it('two feeds of one exchange in one process share its connection-rate budget (the default process-wide gate)', () => {
      const attempts: number[] = [];
      testScheduler.run(({ cold }) => {
        const open = () => {
          attempts.push(testScheduler.now());
          return cold<SocketEvent>('o a', values(rec.control));
        };
        const options = { scheduler: testScheduler, openSocket: open, limits: { ...lineConnector.limits, minConnectIntervalMs: 1000 } };
        const first = connectorTicks(lineConnector, CFG, options).subscribe();
        const second = connectorTicks(lineConnector, CFG, options).subscribe();
        testScheduler.schedule(() => [first, second].forEach((s) => s.unsubscribe()), 3000);
      });
      expect(attempts).to.deep.equal([0, 1000]);
    });

    it('one connection dropping leaves the others open and shows the feed in backoff', () => {
      run((cold, attempt) => cold(attempt === 0 ? 'o a 10ms #' : 'o a', values(rec.control), new Error('connection closed')), 3000,
        { symbols: ['A/USD', 'B/USD', 'C/USD'] }, { limits: { maxSymbolsPerConnection: 2 } });
      expect(rec.attempts).to.deep.equal([0, 0, 762]);
      expect(rec.closes).to.deep.equal([12, 3000, 3000]);
      expect(rec.lines).to.include('12 [ERROR] feed.test: connection 1/2: connection closed');
      expect(rec.statuses().map((s) => [s.state, s.since])).to.deep.equal([
        ['connecting', 0], ['live', 1], ['backoff', 12], ['connecting', 762], ['live', 763], ['stopped', 3000],
      ]);
    });
  });

  describe('bad frames and config', () => {
    it('reports binary and too-large frames as rejections; a too-large frame also reconnects', () => {
      const v = { ...values(rec.control), x: { type: 'binary', bytes: 3 } as SocketEvent };
      run((cold, attempt) => (attempt === 0 ? cold('o x#', v, new FrameTooLargeError(1024)) : cold('o a', v)), 2000);
      const rejections = rec.events.flatMap((e) => (e.type === 'rejected' ? [e.rejection.reason] : []));
      expect(rejections).to.deep.equal(['binary', 'too_large']);
      expect(rec.attempts).to.deep.equal([0, 752]);
    });

    it('errors on subscription with the config path of a symbol the exchange cannot carry', () => {
      let error: unknown;
      testScheduler.run(() => {
        connectorTicks(lineConnector, { ...CFG, symbols: ['BTC/USD', 'XXX/USD'] }, rec.options(() => of())).subscribe({ error: (e) => (error = e) });
      });
      expect(error).to.be.instanceOf(FeedConfigError);
      expect((error as Error).message).to.equal('exchanges.test.symbols[1]: no XXX/USD here');
      expect(rec.attempts).to.deep.equal([]);
    });
  });

  describe('unsubscribing', () => {
    it('closes the socket, cancels every timer and reports stopped', () => {
      run((cold) => cold('o a', values(rec.control)), 1000);
      expect(rec.closes).to.deep.equal([1000]);
      expect(rec.statuses().at(-1)).to.deep.equal({ exchange: 'test', state: 'stopped', since: 1000, reconnects: 0, notLiveSince: 1000 });
      expect(rec.lines.at(-1)).to.equal('1000 [INFO] feed.test: stopped');
      // run() flushed the whole virtual future: nothing fired after the unsubscription
      expect(rec.pings.every((at) => at < 1000)).to.equal(true);
    });
  });
});
