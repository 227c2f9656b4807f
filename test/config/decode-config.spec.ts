import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { load } from 'js-yaml';
import { formatIssue } from '../../src/config/config-issue.js';
import { decodeConfig, type DecodeOptions } from '../../src/config/decode-config.js';
import type { Config } from '../../src/domain/config-types.js';

const seedYaml = readFileSync(new URL('../fixtures/seed-config.yaml', import.meta.url), 'utf8');
const shippedYaml = readFileSync(new URL('../../config/exchanges.yaml', import.meta.url), 'utf8');

function decoded(value: unknown, options: DecodeOptions = { env: {} }): Config {
  const result = decodeConfig(value, options);
  if (E.isLeft(result)) throw new Error(`expected a valid config, got ${result.left.map(formatIssue).join('; ')}`);
  return result.right;
}

function firstIssue(value: unknown, options: DecodeOptions = { env: {} }): string {
  const result = decodeConfig(value, options);
  if (E.isRight(result)) throw new Error('expected the config to be rejected');
  return formatIssue(result.left[0]!);
}

const minimal = () => ({ exchanges: { binance: { symbols: ['BTC/USDT'] } } }) as Record<string, any>;

describe('decodeConfig', () => {
  it('loads the seed example unchanged', () => {
    const config = decoded(load(seedYaml));
    expect(config.exchanges.binance).to.deep.equal({
      symbols: ['BTC/USDT', 'ETH/USDT'],
      reconnect_delay: 5,
      reconnect_max_delay: 60,
      enabled: true,
    }); // no stale_after_ms: each exchange's liveness default applies

    expect(config.exchanges.coinbase?.symbols).to.deep.equal(['BTC/USDT', 'ETH/USDT']);
    expect(config.alerts.thresholds).to.deep.equal({
      pct_24h: 0.05,
      window_24h_ms: 86400000,
      pct_short: 0.02,
      window_short_ms: 3600000,
    });
    expect(config.alerts.email).to.deep.equal({
      smtp_host: 'smtp.example.com',
      smtp_port: 587,
      username: 'user@example.com',
      password: 'yourpassword',
      from_addr: 'alerts@example.com',
      to_addrs: ['user@example.com'],
      secure: false,
      group_wait_ms: 5000,
    });
  });

  it('loads the shipped config with email off and the seed thresholds', () => {
    const config = decoded(load(shippedYaml));
    expect(Object.keys(config.exchanges)).to.deep.equal(['binance', 'coinbase']);
    expect(config.alerts.email).to.equal(undefined);
    expect(config.alerts.thresholds.pct_short).to.equal(0.02);
  });

  it('fills in every default', () => {
    const config = decoded(minimal());
    expect(config.alerts.hysteresis).to.equal(0.2);
    expect(config.alerts.level_hysteresis).to.equal(0.005);
    expect(config.exchanges.binance).to.not.have.any.keys('thresholds', 'symbol_rules');
    expect(config.alerts.feed_down_after_ms).to.equal(120000);
    expect(config.alerts.symbol_silent_after_ms).to.equal(600000);
    expect(config.state_dir).to.equal('var/');
    expect(config.ops).to.deep.equal({ heartbeat_every_ms: 60000 });
    expect(config.http).to.equal(undefined);
  });

  it("reads an exchange's thresholds and a symbol's own rules, keeping symbols a list of canonical strings", () => {
    const config = decoded({
      exchanges: {
        binance: {
          thresholds: { pct_short: 0.03 },
          symbols: ['BTC/USDT', { symbol: 'dogeusdt', pct_24h: 0.15, pct_short: 0.05, above: [0.5, 1.0], below: [0.1] }, { symbol: 'ETH/USDT' }],
        },
      },
      alerts: { level_hysteresis: 0.01 },
    });
    expect(config.exchanges.binance?.symbols).to.deep.equal(['BTC/USDT', 'DOGE/USDT', 'ETH/USDT']);
    expect(config.exchanges.binance?.thresholds).to.deep.equal({ pct_short: 0.03 });
    expect(config.exchanges.binance?.symbol_rules).to.deep.equal({ 'DOGE/USDT': { pct_24h: 0.15, pct_short: 0.05, above: [0.5, 1.0], below: [0.1] } });
    expect(config.alerts.level_hysteresis).to.equal(0.01);
  });

  it('canonicalizes every way of writing a symbol', () => {
    const config = decoded({ exchanges: { kraken: { symbols: ['btc/usd', 'ETH-EUR', 'solusdt'] } } });
    expect(config.exchanges.kraken?.symbols).to.deep.equal(['BTC/USD', 'ETH/EUR', 'SOL/USDT']);
  });

  it("reads Kraken's XBT as BTC (written XBT/USD or xbtusd), says so in one note each, and keeps tokenized stocks' case", () => {
    const notes: string[] = [];
    const config = decoded({ exchanges: { kraken: { symbols: ['XBT/USD', 'ETH/USD', 'xbteur', 'AAPLx/USD'] }, binance: { symbols: ['BTC/USDT'] } } },
      { env: {}, onNote: (note) => notes.push(formatIssue(note)) });
    expect(config.exchanges.kraken?.symbols).to.deep.equal(['BTC/USD', 'ETH/USD', 'BTC/EUR', 'AAPLx/USD']);
    expect(notes).to.deep.equal([
      'exchanges.kraken.symbols[0]: XBT/USD is read as BTC/USD, the name kraken and every log, alert and page use',
      'exchanges.kraken.symbols[2]: XBT/EUR is read as BTC/EUR, the name kraken and every log, alert and page use',
    ]);
  });

  it('takes secure from the port unless given', () => {
    const email = { smtp_host: 'h', smtp_port: 465, from_addr: 'a@b.co', to_addrs: ['c@d.co'] };
    expect(decoded({ ...minimal(), alerts: { email } }).alerts.email?.secure).to.equal(true);
    const explicit = { ...email, smtp_port: 2525, secure: true };
    expect(decoded({ ...minimal(), alerts: { email: explicit } }).alerts.email?.secure).to.equal(true);
  });

  it('replaces ${ENV} references from the environment', () => {
    const value = {
      ...minimal(),
      alerts: {
        email: {
          smtp_host: '${SMTP_HOST}',
          smtp_port: 587,
          username: 'me',
          password: '${SMTP_PASSWORD}',
          from_addr: 'a@b.co',
          to_addrs: ['c@d.co'],
        },
      },
    };
    const config = decoded(value, { env: { SMTP_HOST: 'mail.local', SMTP_PASSWORD: 's3cret' } });
    expect(config.alerts.email?.smtp_host).to.equal('mail.local');
    expect(config.alerts.email?.password).to.equal('s3cret');
  });

  it('reads password_file relative to the config file', () => {
    const email = { smtp_host: 'h', smtp_port: 587, username: 'me', password_file: 'secret.txt', from_addr: 'a@b.co', to_addrs: ['c@d.co'] };
    const read: string[] = [];
    const config = decoded(
      { ...minimal(), alerts: { email } },
      { env: {}, baseDir: '/etc/cs', readSecretFile: (p) => (read.push(p), 'pw\n') },
    );
    expect(read).to.deep.equal(['/etc/cs/secret.txt']);
    expect(config.alerts.email?.password).to.equal('pw');
  });

  it('keeps http.public_url (the status page as readers reach it), absent when not set', () => {
    expect(decoded({ ...minimal(), http: { listen: '127.0.0.1:9464', public_url: 'https://watch.example.com/' } }).http).to.deep.equal({
      listen: '127.0.0.1:9464', public_url: 'https://watch.example.com/',
    });
    expect(decoded({ ...minimal(), http: { listen: '127.0.0.1:9464' } }).http).to.deep.equal({ listen: '127.0.0.1:9464' });
  });

  describe('rejects, naming the key path', () => {
    const cases: Array<[string, unknown, string]> = [
      ['a typo in a key, with a hint', { ...minimal(), alerts: { tresholds: {} } }, 'alerts.tresholds: unknown key (did you mean "thresholds"?)'],
      ['an unknown exchange, with a hint', { exchanges: { binanse: { symbols: ['BTC/USDT'] } } }, 'exchanges.binanse: unknown key (did you mean "binance"?)'],
      ['an unknown key deep inside', { exchanges: { binance: { symbols: ['BTC/USDT'], reconect_delay: 5 } } }, 'exchanges.binance.reconect_delay: unknown key (did you mean "reconnect_delay"?)'],
      ['a string where a number belongs', { ...minimal(), alerts: { thresholds: { pct_24h: 'five' } } }, 'alerts.thresholds.pct_24h: expected a fraction in (0, 1] (0.05 = 5 %), got "five"'],
      ['a percentage above 1', { ...minimal(), alerts: { thresholds: { pct_short: 2 } } }, 'alerts.thresholds.pct_short: expected a fraction in (0, 1] (0.05 = 5 %), got 2'],
      ['a percentage of 0', { ...minimal(), alerts: { thresholds: { pct_24h: 0 } } }, 'alerts.thresholds.pct_24h: expected a fraction in (0, 1] (0.05 = 5 %), got 0'],
      ['a window of 0', { ...minimal(), alerts: { thresholds: { window_short_ms: 0 } } }, 'alerts.thresholds.window_short_ms: expected a whole number of milliseconds from 1 to 4294901760 (49.7 days), got 0'],
      ['a window longer than the windows can hold', { ...minimal(), alerts: { thresholds: { window_24h_ms: 4294901761 } } }, 'alerts.thresholds.window_24h_ms: expected a whole number of milliseconds from 1 to 4294901760 (49.7 days), got 4294901761'],
      ["a symbol's window too long", { exchanges: { binance: { symbols: [{ symbol: 'DOGE/USDT', window_short_ms: 5e9 }] } } }, 'exchanges.binance.symbols[0].window_short_ms: expected a whole number of milliseconds from 1 to 4294901760 (49.7 days), got 5000000000'],
      ['a negative delay', { exchanges: { binance: { symbols: ['BTC/USDT'], reconnect_delay: -1 } } }, 'exchanges.binance.reconnect_delay: expected a number of seconds >= 0, got -1'],
      ['a cap below the delay', { exchanges: { binance: { symbols: ['BTC/USDT'], reconnect_delay: 10, reconnect_max_delay: 5 } } }, 'exchanges.binance.reconnect_max_delay: must be at least reconnect_delay (10), got 5'],
      ['a port out of range', { ...minimal(), alerts: { email: { smtp_host: 'h', smtp_port: 70000, from_addr: 'a@b.co', to_addrs: ['c@d.co'] } } }, 'alerts.email.smtp_port: expected a port number 1-65535, got 70000'],
      ['an address that is not one', { ...minimal(), alerts: { email: { smtp_host: 'h', smtp_port: 25, from_addr: 'a@b.co', to_addrs: ['c@d.co', 'nobody'] } } }, 'alerts.email.to_addrs[1]: expected an e-mail address like alerts@example.com, got "nobody"'],
      ['a missing required key', { ...minimal(), alerts: { email: { smtp_port: 25, from_addr: 'a@b.co', to_addrs: ['c@d.co'] } } }, 'alerts.email.smtp_host: is required'],
      ['a symbol that cannot be mapped', { exchanges: { coinbase: { symbols: ['BTC/USD', 'bitcoin'] } } }, 'exchanges.coinbase.symbols[1]: "bitcoin" has no known quote currency; write it as BASE/QUOTE'],
      ['a duplicate symbol', { exchanges: { coinbase: { symbols: ['BTC/USD', 'btc-usd'] } } }, 'exchanges.coinbase.symbols[1]: BTC/USD is already listed at symbols[0]'],
      ["Kraken's BTC/USD written twice, once as XBT", { exchanges: { kraken: { symbols: ['BTC/USD', 'xbtusd'] } } }, 'exchanges.kraken.symbols[1]: BTC/USD is already listed at symbols[0]'],
      ['a listen port above 65535', { ...minimal(), http: { listen: '127.0.0.1:99999' } }, 'http.listen: port 99999 is above 65535 (expected host:port, e.g. 127.0.0.1:9464)'],
      ['a duplicate symbol written as an object', { exchanges: { coinbase: { symbols: ['BTC/USD', { symbol: 'btc-usd', pct_24h: 0.1 }] } } }, 'exchanges.coinbase.symbols[1]: BTC/USD is already listed at symbols[0]'],
      ["a symbol's threshold out of range", { exchanges: { binance: { symbols: ['BTC/USDT', { symbol: 'DOGE/USDT', pct_24h: 15 }] } } }, 'exchanges.binance.symbols[1].pct_24h: expected a fraction in (0, 1] (0.05 = 5 %), got 15'],
      ["a typo in a symbol's rules, with a hint", { exchanges: { binance: { symbols: [{ symbol: 'DOGE/USDT', pct_24: 0.1 }] } } }, 'exchanges.binance.symbols[0].pct_24: unknown key (did you mean "pct_24h"?)'],
      ['a symbol object without its symbol', { exchanges: { binance: { symbols: [{ pct_24h: 0.1 }] } } }, 'exchanges.binance.symbols[0].symbol: is required'],
      ['a level that is not a price', { exchanges: { binance: { symbols: [{ symbol: 'DOGE/USDT', above: [0.5, -1] }] } } }, 'exchanges.binance.symbols[0].above[1]: expected a price > 0, got -1'],
      ['levels that are not a list', { exchanges: { binance: { symbols: [{ symbol: 'DOGE/USDT', below: 0.1 }] } } }, 'exchanges.binance.symbols[0].below: expected a list of prices, got 0.1'],
      ['a symbol that is neither a string nor a mapping', { exchanges: { binance: { symbols: [42] } } }, 'exchanges.binance.symbols[0]: expected a symbol like BTC/USDT, or a mapping with a symbol and its own rules, got 42'],
      ["an exchange's threshold that cannot be overridden", { exchanges: { binance: { symbols: ['BTC/USDT'], thresholds: { window_24h_ms: 1000 } } } }, 'exchanges.binance.thresholds.window_24h_ms: unknown key (known keys: pct_24h, pct_short, window_short_ms)'],
      ["an exchange's threshold out of range", { exchanges: { binance: { symbols: ['BTC/USDT'], thresholds: { pct_short: 0 } } } }, 'exchanges.binance.thresholds.pct_short: expected a fraction in (0, 1] (0.05 = 5 %), got 0'],
      ['a level hysteresis of 1', { ...minimal(), alerts: { level_hysteresis: 1 } }, 'alerts.level_hysteresis: expected a fraction in [0, 1), got 1'],
      ['no symbols', { exchanges: { coinbase: { symbols: [] } } }, 'exchanges.coinbase.symbols: expected at least one symbol'],
      ['no enabled exchange', { exchanges: { coinbase: { symbols: ['BTC/USD'], enabled: false } } }, 'exchanges: no enabled exchange; configure one of binance, coinbase, kraken, okx, bybit, bitstamp'],
      ['a missing exchanges key', { alerts: {} }, 'exchanges: is required'],
      ['a URL that is not a WebSocket', { exchanges: { kraken: { symbols: ['BTC/USD'], url: 'http://x' } } }, 'exchanges.kraken.url: expected a ws:// or wss:// URL, got "http://x"'],
      ['a public_url that is not one', { ...minimal(), http: { listen: '127.0.0.1:9464', public_url: 'watch.example.com' } }, 'http.public_url: expected an http:// or https:// URL, got "watch.example.com"'],
      ['a bad listen address', { ...minimal(), http: { listen: '9464' } }, 'http.listen: expected host:port, e.g. 127.0.0.1:9464, got "9464"'],
      ['a top-level list', ['exchanges'], 'expected a mapping with an "exchanges" key at the top level'],
      ['an empty file', null, 'the config file is empty'],
    ];
    for (const [what, value, line] of cases) {
      it(what, () => expect(firstIssue(value)).to.equal(line));
    }

    it('an unset ${ENV} variable', () => {
      const value = { ...minimal(), alerts: { email: { smtp_host: 'h', smtp_port: 25, username: 'u', password: '${NOPE}', from_addr: 'a@b.co', to_addrs: ['c@d.co'] } } };
      expect(firstIssue(value, { env: {} })).to.equal('alerts.email.password: environment variable NOPE is not set (referenced as ${NOPE})');
    });

    it('an unclosed ${ (never kept as a literal password)', () => {
      const value = { ...minimal(), alerts: { email: { smtp_host: 'h', smtp_port: 25, username: 'u', password: 'pre${SMTP_PASSWORD', from_addr: 'a@b.co', to_addrs: ['c@d.co'] } } };
      expect(firstIssue(value, { env: { SMTP_PASSWORD: 'x' } })).to.equal('alerts.email.password: unclosed ${SMTP_PASSWORD: write ${NAME} with a closing brace');
      const invalid = { exchanges: { binance: { symbols: ['BTC/USDT'], url: 'wss://${1HOST}' } } };
      expect(firstIssue(invalid)).to.equal('exchanges.binance.url: ${1HOST} is not a variable name (letters, digits and _, not starting with a digit)');
    });

    it('both password and password_file', () => {
      const value = { ...minimal(), alerts: { email: { smtp_host: 'h', smtp_port: 25, password: 'a', password_file: 'b', from_addr: 'a@b.co', to_addrs: ['c@d.co'] } } };
      expect(firstIssue(value, { env: {}, readSecretFile: () => 'x' })).to.equal('alerts.email.password_file: give either password or password_file, not both');
    });

    it('an unreadable password_file', () => {
      const value = { ...minimal(), alerts: { email: { smtp_host: 'h', smtp_port: 25, username: 'u', password_file: '/nonexistent/pw', from_addr: 'a@b.co', to_addrs: ['c@d.co'] } } };
      expect(firstIssue(value)).to.match(/^alerts\.email\.password_file: cannot read \/nonexistent\/pw: ENOENT/);
    });
  });
});
