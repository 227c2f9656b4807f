import { expect } from 'chai';
import { parseTickLine } from '../../src/replay/parse-tick-line.js';

const valid = { exchange: 'binance', symbol: 'BTC/USDT', price: 64000.5, ts: 1717243200000 };
const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

describe('parseTickLine', () => {
  it('matches its @example: a valid line, and a zero price', () => {
    expect(parseTickLine('{"exchange":"binance","symbol":"BTC/USDT","price":64000.5,"ts":1717243200000}')).to.deep.equal(valid);
    expect(parseTickLine('{"exchange":"binance","symbol":"BTC/USDT","price":0,"ts":1}')).to.equal('price must be a positive finite number, got 0');
  });

  it('keeps every optional tick field', () => {
    const full = { ...valid, bid: 64000, ask: 64001, open24h: 61000, receivedAt: 1717243200050, blindFrom: 1717243100000 };
    expect(parseTickLine(line(full))).to.deep.equal(full);
  });

  it('says why a line is not JSON, or not an object', () => {
    expect(parseTickLine('{"exchange":"binance","pri')).to.match(/^not JSON \(/);
    expect(parseTickLine('[1,2]')).to.equal('expected a JSON object, got an array');
    expect(parseTickLine('null')).to.equal('expected a JSON object, got null');
    expect(parseTickLine('42')).to.equal('expected a JSON object, got 42');
  });

  it('refuses an unknown field, with a hint for a typo', () => {
    expect(parseTickLine(line({ ...valid, opn24h: 1 }))).to.equal('unknown field "opn24h" (did you mean "open24h"?)');
    expect(parseTickLine(line({ ...valid, volume: 1 }))).to.equal('unknown field "volume"');
  });

  it('wants exchange and a canonical BASE/QUOTE symbol', () => {
    expect(parseTickLine(line({ ...valid, exchange: '' }))).to.equal('exchange must be a non-empty string, got ""');
    expect(parseTickLine(line({ ...valid, exchange: 7 }))).to.equal('exchange must be a non-empty string, got 7');
    expect(parseTickLine(line({ ...valid, symbol: 'btcusdt' }))).to.equal('symbol "btcusdt" is not canonical BASE/QUOTE (write "BTC/USDT")');
    expect(parseTickLine(line({ ...valid, symbol: 'BTC' }))).to.match(/^symbol "BTC" has no known quote currency/);
    expect(parseTickLine(line({ ...valid, symbol: undefined }))).to.equal('symbol must be a string, got undefined');
  });

  it('wants a positive finite price and an integer ts >= 0', () => {
    expect(parseTickLine(line({ ...valid, price: '64000' }))).to.equal('price must be a positive finite number, got "64000"');
    expect(parseTickLine(line({ ...valid, price: -1 }))).to.equal('price must be a positive finite number, got -1');
    expect(parseTickLine(line({ ...valid, ts: 1.5 }))).to.equal('ts must be an integer number of ms >= 0, got 1.5');
    expect(parseTickLine(line({ ...valid, ts: -1 }))).to.equal('ts must be an integer number of ms >= 0, got -1');
    expect(parseTickLine(line({ ...valid, ts: null }))).to.equal('ts must be an integer number of ms >= 0, got null');
  });

  it('checks the optional numbers', () => {
    expect(parseTickLine(line({ ...valid, bid: -1 }))).to.equal('bid must be a finite number >= 0, got -1');
    expect(parseTickLine(line({ ...valid, ask: 'x' }))).to.equal('ask must be a finite number >= 0, got "x"');
    expect(parseTickLine(line({ ...valid, open24h: 0 }))).to.equal('open24h must be a positive finite number, got 0');
    expect(parseTickLine(line({ ...valid, receivedAt: null }))).to.equal('receivedAt must be a finite number >= 0, got null');
    expect(parseTickLine(line({ ...valid, blindFrom: valid.ts + 1 }))).to.equal('blindFrom (1717243200001) is after ts (1717243200000)');
  });

  it('builds a fresh tick holding only the fields the line gave', () => {
    const tick = parseTickLine(line(valid));
    expect(Object.keys(tick)).to.deep.equal(['exchange', 'symbol', 'price', 'ts']);
  });
});
