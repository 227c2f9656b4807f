import { expect } from 'chai';
import { createLogger, formatLogTime, parseLogFormat, parseLogLevel } from '../src/log.js';

describe('logger', () => {
  const at = new Date(2026, 10, 24, 9, 5, 7).getTime();

  it('writes the seed format: YYYY-MM-DD HH:MM:SS [LEVEL] logger.name: message', () => {
    const lines: string[] = [];
    const log = createLogger('supervisor', { write: (l) => lines.push(l), now: () => at });
    log.info('started');
    log.child('connectors').child('binance').error('socket closed');
    expect(lines).to.deep.equal([
      '2026-11-24 09:05:07 [INFO] supervisor: started',
      '2026-11-24 09:05:07 [ERROR] supervisor.connectors.binance: socket closed',
    ]);
  });

  it('drops lines below its level, also in children', () => {
    const lines: string[] = [];
    const log = createLogger('s', { level: 'WARN', write: (l) => lines.push(l), now: () => at });
    log.debug('a');
    log.info('b');
    log.child('c').warn('c');
    log.error('d');
    expect(lines.map((l) => l.slice(20))).to.deep.equal(['[WARN] s.c: c', '[ERROR] s: d']);
    expect(log.enabled('INFO')).to.equal(false);
    expect(log.enabled('ERROR')).to.equal(true);
  });

  it('parses level names case-insensitively', () => {
    expect(parseLogLevel('debug')).to.equal('DEBUG');
    expect(parseLogLevel('Warning')).to.equal('WARN');
    expect(parseLogLevel('loud')).to.equal(undefined);
  });

  it('pads the local time', () => {
    expect(formatLogTime(new Date(2026, 0, 2, 3, 4, 5).getTime())).to.equal('2026-01-02 03:04:05');
  });

  describe("format: 'json'", () => {
    const alert = { kind: 'price', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', change: 0.0523, price: 101234.5, level: 1 };

    it('writes one JSON object per line: UTC time, level, logger, message, and the alert when the line is one', () => {
      const lines: string[] = [];
      const log = createLogger('supervisor', { format: 'json', write: (l) => lines.push(l), now: () => Date.UTC(2026, 10, 24, 9, 5, 7, 250) });
      log.info('started');
      log.child('alerts').info('BTC/USDT +5.23% in 24h on binance', { alert });
      expect(lines.map((line) => JSON.parse(line))).to.deep.equal([
        { time: '2026-11-24T09:05:07.250Z', level: 'INFO', logger: 'supervisor', message: 'started' },
        { time: '2026-11-24T09:05:07.250Z', level: 'INFO', logger: 'supervisor.alerts', message: 'BTC/USDT +5.23% in 24h on binance', alert },
      ]);
    });

    it('keeps a message with newlines and quotes on one line, and honours the level', () => {
      const lines: string[] = [];
      const log = createLogger('s', { format: 'json', level: 'WARN', write: (l) => lines.push(l), now: () => 0 });
      log.info('dropped');
      log.warn('first\nsecond "quoted"');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.not.include('\n');
      expect(JSON.parse(lines[0]!).message).to.equal('first\nsecond "quoted"');
    });

    it('leaves the text format as it was: fields are not printed there', () => {
      const lines: string[] = [];
      createLogger('s', { write: (l) => lines.push(l), now: () => at }).info('alert text', { alert });
      expect(lines).to.deep.equal(['2026-11-24 09:05:07 [INFO] s: alert text']);
    });

    it('parses format names case-insensitively', () => {
      expect(parseLogFormat('JSON')).to.equal('json');
      expect(parseLogFormat(' text ')).to.equal('text');
      expect(parseLogFormat('yaml')).to.equal(undefined);
    });
  });
});
