import { expect } from 'chai';
import fc from 'fast-check';
import { readEpoch, readEpochMs, readIsoTime } from '../../src/connectors/frame-fields.js';

const read = (time: unknown) => readIsoTime({ time }, 'time', '{"frame"}');

describe('readIsoTime', () => {
  it('reads the documented Coinbase and Kraken times to the millisecond', () => {
    expect(read('2022-10-19T23:28:22.061769Z')).to.equal(Date.UTC(2022, 9, 19, 23, 28, 22, 61));
    expect(read('2023-09-25T09:04:31.742648Z')).to.equal(Date.UTC(2023, 8, 25, 9, 4, 31, 742));
    expect(read('2024-02-29T00:00:00.000001Z')).to.equal(Date.UTC(2024, 1, 29));
  });

  it('reads other ISO 8601 shapes: fewer fraction digits, offsets, no fraction', () => {
    expect(read('2022-10-19T23:28:22.06Z')).to.equal(Date.UTC(2022, 9, 19, 23, 28, 22, 60));
    expect(read('2022-10-19T23:28:22Z')).to.equal(Date.UTC(2022, 9, 19, 23, 28, 22));
    expect(read('2022-10-20T01:28:22.061769+02:00')).to.equal(Date.UTC(2022, 9, 19, 23, 28, 22, 61));
  });

  it('refuses what is not a time, also in the 27-character shape', () => {
    for (const bad of ['2023-02-29T00:00:00.000000Z', '2022-04-31T00:00:00.000000Z', '2022-13-01T00:00:00.000000Z',
      '2022-10-19T25:00:00.000000Z', '2022-10-19T23:28:22.0617x9Z', '2022-10-19 23:28:22.061769Z', 'yesterday', 1666222102061]) {
      expect(read(bad), String(bad)).to.have.property('reason', 'bad_time');
    }
    expect(read(undefined)).to.have.property('reason', 'missing_field');
  });

  it('agrees with Date.parse on every microsecond time in the fast shape', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1970, 0, 1)), max: new Date(Date.UTC(2999, 11, 31)), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }), (date, micros) => {
        const iso = `${date.toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
        expect(read(iso)).to.equal(Date.parse(`${iso.slice(0, 23)}Z`));
      }),
    );
  });
});

describe('readEpoch', () => {
  const epoch = (value: unknown, unit?: 's' | 'ms' | 'us') => readEpoch({ t: value }, 't', '{"frame"}', unit);

  it('reads epoch ms sent as a JSON number (Binance E, Bybit ts) or as a string of digits (OKX ts)', () => {
    expect(readEpochMs({ E: 1672515782136 }, 'E', '{}')).to.equal(1672515782136);
    expect(epoch(1673853746003)).to.equal(1673853746003);
    expect(epoch('1597026383085')).to.equal(1597026383085);
  });

  it('reads microseconds (Bitstamp microtimestamp) and seconds into whole ms', () => {
    expect(epoch('1676510678160000', 'us')).to.equal(1676510678160);
    expect(epoch('1676510678160999', 'us')).to.equal(1676510678160);
    expect(epoch(1676510678160000, 'us')).to.equal(1676510678160);
    expect(epoch('1676510678', 's')).to.equal(1676510678000);
  });

  it('refuses what is not a positive whole number, naming the field', () => {
    for (const bad of ['', ' 1597026383085', '1597026383085 ', '+1597026383085', '-1', '0', 0, -5, 1.5, '1.5', '1e12', '0x10',
      'soon', true, [1], {}, '99999999999999999999', 2 ** 53]) {
      expect(epoch(bad), JSON.stringify(bad)).to.deep.include({ reason: 'bad_time', detail: `t is ${JSON.stringify(bad)}` });
    }
    expect(epoch(undefined)).to.have.property('reason', 'missing_field');
    expect(epoch(null)).to.have.property('reason', 'missing_field');
  });
});
