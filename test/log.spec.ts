import { expect } from 'chai';
import { createLogger, formatLogTime, parseLogLevel } from '../src/log.js';

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
});
