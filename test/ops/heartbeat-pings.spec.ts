import { expect } from 'chai';
import { BehaviorSubject, Subject, VirtualTimeScheduler, lastValueFrom, take, toArray } from 'rxjs';
import { createLogger } from '../../src/log.js';
import { type HeartbeatResult, heartbeatPings } from '../../src/ops/heartbeat-pings.js';
import { type HttpSinkServer, startHttpSinkServer } from '../helpers/http-sink-server.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a virtual clock up to `untilMs` in 10 ms steps, letting promises settle between steps. */
async function advance(scheduler: VirtualTimeScheduler, untilMs: number): Promise<void> {
  for (let frame = 0; frame <= untilMs; frame += 10) {
    scheduler.maxFrames = frame;
    scheduler.flush();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe('heartbeatPings', () => {
  describe('in virtual time', () => {
    it('pings at once and then every period while every feed is live, and not while one is down', async () => {
      const scheduler = new VirtualTimeScheduler();
      const allLive$ = new Subject<boolean>();
      const pingedAt: number[] = [];
      const get = async () => {
        pingedAt.push(scheduler.now());
        return 200;
      };
      const results: HeartbeatResult[] = [];
      const subscription = heartbeatPings('http://monitor.invalid/ping', 100, allLive$, { get, scheduler })
        .subscribe((result) => results.push(result));
      scheduler.schedule(() => allLive$.next(false), 0);
      scheduler.schedule(() => allLive$.next(true), 100);
      scheduler.schedule(() => allLive$.next(true), 120); // no change: no extra ping, no reset
      scheduler.schedule(() => allLive$.next(false), 350);
      scheduler.schedule(() => allLive$.next(true), 550);
      await advance(scheduler, 700);
      subscription.unsubscribe();
      expect(pingedAt).to.deep.equal([100, 200, 300, 550, 650]);
      expect(results.map((r) => [r.ts, r.ok, r.status])).to.deep.equal(pingedAt.map((ts) => [ts, true, 200]));
    });

    it('does not start a ping while the previous one is still waiting for its answer', async () => {
      const scheduler = new VirtualTimeScheduler();
      const pingedAt: number[] = [];
      const answers: Array<(status: number) => void> = [];
      const get = () => {
        pingedAt.push(scheduler.now());
        return new Promise<number>((resolve) => answers.push(resolve));
      };
      const subscription = heartbeatPings('http://monitor.invalid/ping', 100, new BehaviorSubject(true), { get, scheduler })
        .subscribe();
      await advance(scheduler, 250);
      answers[0]?.(200);
      await advance(scheduler, 350);
      subscription.unsubscribe();
      expect(pingedAt).to.deep.equal([0, 300]);
    });

    it('completes when allLive$ completes, aborting the ping in flight', async () => {
      const scheduler = new VirtualTimeScheduler();
      const signals: AbortSignal[] = [];
      const get = (_url: string, signal: AbortSignal) => {
        signals.push(signal);
        return new Promise<number>(() => undefined);
      };
      const allLive$ = new BehaviorSubject(true);
      let completed = false;
      heartbeatPings('http://monitor.invalid/ping', 100, allLive$, { get, scheduler }).subscribe({ complete: () => (completed = true) });
      await advance(scheduler, 50);
      allLive$.complete();
      expect(completed).to.equal(true);
      expect(signals.map((s) => s.aborted)).to.deep.equal([true]);
    });
  });

  describe('against a loopback HTTP server', () => {
    let sink: HttpSinkServer;
    beforeEach(async () => (sink = await startHttpSinkServer()));
    afterEach(() => sink.close());

    it('reaches the server while every feed is live, stops while one is down, resumes', async () => {
      const allLive$ = new BehaviorSubject(false);
      const results: HeartbeatResult[] = [];
      const subscription = heartbeatPings(`${sink.url}/ping/abc`, 30, allLive$).subscribe((r) => results.push(r));
      try {
        allLive$.next(true);
        await sink.waitForRequests(3);
        allLive$.next(false);
        await sleep(60); // a ping already on the wire may still land
        const whileDown = sink.requests.length;
        await sleep(200); // more than six periods
        expect(sink.requests.length, 'pings while a feed is down').to.equal(whileDown);
        allLive$.next(true);
        await sink.waitForRequests(whileDown + 2);
      } finally {
        subscription.unsubscribe();
      }
      expect(sink.requests[0]).to.deep.equal({ method: 'GET', path: '/ping/abc', userAgent: 'crypto-supervisor heartbeat' });
      // answers still on the wire when the feed went down (or at unsubscribe) were aborted
      expect(results.length).to.be.greaterThan(1);
      expect(results.filter((r) => !r.ok || r.status !== 200)).to.deep.equal([]);
    });

    it('turns a refused connection into a WARN without the secret path, and keeps trying', async () => {
      const deadUrl = `${sink.url}/ping/secret-token`;
      await sink.close();
      const lines: string[] = [];
      const logger = createLogger('supervisor.heartbeat', { write: (l) => lines.push(l) });
      const allLive$ = new BehaviorSubject(true);
      const results = await lastValueFrom(heartbeatPings(deadUrl, 20, allLive$, { logger }).pipe(take(2), toArray()));
      expect(results.map((r) => r.ok)).to.deep.equal([false, false]);
      expect(results[0]?.error).to.match(/ECONNREFUSED/);
      const warns = lines.filter((l) => l.includes('[WARN]'));
      expect(warns).to.have.length(2);
      expect(warns[0]).to.match(/\[WARN\] supervisor\.heartbeat: heartbeat to http:\/\/127\.0\.0\.1:\d+\/… failed: .*ECONNREFUSED/);
      expect(lines.join('\n')).not.to.include('secret-token');
    });

    it('warns on a non-2xx answer and says when the monitor answers again', async () => {
      const lines: string[] = [];
      const logger = createLogger('heartbeat', { write: (l) => lines.push(l) });
      sink.answerWith(503);
      const allLive$ = new BehaviorSubject(true);
      const results: HeartbeatResult[] = [];
      const subscription = heartbeatPings(`${sink.url}/ping`, 20, allLive$, { logger }).subscribe((r) => results.push(r));
      try {
        await sink.waitForRequests(2);
        sink.answerWith(200);
        await sink.waitForRequests(sink.requests.length + 2);
        await sleep(30);
      } finally {
        subscription.unsubscribe();
      }
      expect(results[0]).to.include({ ok: false, status: 503 });
      expect(results[results.length - 1]).to.include({ ok: true, status: 200 });
      expect(lines.filter((l) => l.includes('[WARN]'))[0]).to.match(/heartbeat to http:\/\/127\.0\.0\.1:\d+\/… failed: HTTP 503$/);
      expect(lines.filter((l) => l.includes('answered again'))).to.have.length(1);
    });
  });
});
