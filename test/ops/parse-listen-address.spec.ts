import { expect } from 'chai';
import { parseListenAddress } from '../../src/ops/parse-listen-address.js';

describe('parseListenAddress', () => {
  it('reads host:port and says whether only this machine can connect', () => {
    expect(parseListenAddress('127.0.0.1:9464')).to.deep.equal({ host: '127.0.0.1', port: 9464, loopback: true });
    expect(parseListenAddress('localhost:80')).to.deep.equal({ host: 'localhost', port: 80, loopback: true });
    expect(parseListenAddress('[::1]:9464')).to.deep.equal({ host: '::1', port: 9464, loopback: true });
    expect(parseListenAddress('0.0.0.0:9464')).to.deep.equal({ host: '0.0.0.0', port: 9464, loopback: false });
    expect(parseListenAddress('[::]:9464')).to.deep.equal({ host: '::', port: 9464, loopback: false });
  });

  it('binds a bare port to loopback', () => {
    expect(parseListenAddress('9464')).to.deep.equal({ host: '127.0.0.1', port: 9464, loopback: true });
    expect(parseListenAddress(':0')).to.deep.equal({ host: '127.0.0.1', port: 0, loopback: true });
  });

  it('says what is wrong with anything else', () => {
    expect(parseListenAddress('localhost')).to.equal('"localhost" is not host:port (for example 127.0.0.1:9464)');
    expect(parseListenAddress('::1:9464')).to.equal('"::1:9464" is not host:port (for example 127.0.0.1:9464)');
    expect(parseListenAddress('127.0.0.1:70000')).to.equal('"127.0.0.1:70000": port 70000 is above 65535');
  });
});
