import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { formatIssue } from '../../src/config/config-issue.js';
import { decodeConfig, type DecodeOptions } from '../../src/config/decode-config.js';
import { summarizeConfig } from '../../src/config/summarize-config.js';
import type { Config } from '../../src/domain/config-types.js';

const withAlerts = (alerts: Record<string, unknown>) => ({ exchanges: { binance: { symbols: ['BTC/USDT'] } }, alerts });

function decoded(value: unknown, options: DecodeOptions = { env: {} }): Config {
  const result = decodeConfig(value, options);
  if (E.isLeft(result)) throw new Error(`expected a valid config, got ${result.left.map(formatIssue).join('; ')}`);
  return result.right;
}

function issues(value: unknown, options: DecodeOptions = { env: {} }): string[] {
  const result = decodeConfig(value, options);
  if (E.isRight(result)) throw new Error('expected the config to be rejected');
  return result.left.map(formatIssue);
}

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXX';

describe('decodeConfig: channels (alerts.webhooks, alerts.telegram, alerts.alertmanager)', () => {
  it('is no channel when absent', () => {
    const { alerts } = decoded(withAlerts({}));
    expect(alerts.webhooks).to.deep.equal([]);
    expect(alerts).not.to.have.property('telegram');
    expect(alerts).not.to.have.property('alertmanager');
  });

  it('fills in every default', () => {
    const { alerts } = decoded(
      withAlerts({
        webhooks: [{ url: SLACK }],
        telegram: { bot_token: '123:abc', chat_ids: [42] },
        alertmanager: { urls: ['http://127.0.0.1:9093'] },
      }),
    );
    expect(alerts.webhooks).to.deep.equal([{ url: SLACK, format: 'json', group_wait_ms: 5000, headers: {} }]);
    expect(alerts.telegram).to.deep.equal({ bot_token: '123:abc', chat_ids: [42], api_url: 'https://api.telegram.org', group_wait_ms: 5000 });
    expect(alerts.alertmanager).to.deep.equal({ urls: ['http://127.0.0.1:9093'], resend_every_ms: 60000 });
  });

  it('takes every key as written', () => {
    const { alerts } = decoded(
      withAlerts({
        webhooks: [
          { url: SLACK, format: 'slack', group_wait_ms: 0 },
          { url: 'https://ntfy.sh/alerts', format: 'ntfy', headers: { Authorization: 'Bearer t0k3n' } },
        ],
        telegram: { bot_token: '123:abc', chat_ids: [42, '-1001234567890', '@price_alerts'], api_url: 'http://127.0.0.1:8081', group_wait_ms: 100 },
        alertmanager: { urls: ['http://a:9093', 'http://b:9093'], resend_every_ms: 30000, external_labels: { replica: 'a' } },
      }),
    );
    expect(alerts.webhooks.map((w) => [w.format, w.group_wait_ms, w.headers])).to.deep.equal([
      ['slack', 0, {}],
      ['ntfy', 5000, { Authorization: 'Bearer t0k3n' }],
    ]);
    expect(alerts.telegram!.chat_ids).to.deep.equal([42, -1001234567890, '@price_alerts']);
    expect(alerts.alertmanager).to.deep.equal({ urls: ['http://a:9093', 'http://b:9093'], resend_every_ms: 30000, external_labels: { replica: 'a' } });
  });

  it('expands ${ENV} in url, headers and bot_token', () => {
    const env = { HOOK: SLACK, HOOK_TOKEN: 's3cr3t', TG: '999:xyz' };
    const { alerts } = decoded(
      withAlerts({
        webhooks: [{ url: '${HOOK}', headers: { Authorization: 'Bearer ${HOOK_TOKEN}' } }],
        telegram: { bot_token: '${TG}', chat_ids: [1] },
      }),
      { env },
    );
    expect(alerts.webhooks[0]).to.include({ url: SLACK });
    expect(alerts.webhooks[0]!.headers).to.deep.equal({ Authorization: 'Bearer s3cr3t' });
    expect(alerts.telegram!.bot_token).to.equal('999:xyz');
  });

  describe('names the key path of every bad key, and never quotes a URL, header value or token', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an unknown format', { webhooks: [{ url: SLACK }, { url: SLACK, format: 'teams' }] }, 'alerts.webhooks[1].format: expected one of slack, discord, ntfy, json, got "teams"'],
      ['a webhook without url', { webhooks: [{ format: 'slack' }] }, 'alerts.webhooks[0].url: is required'],
      ['a webhook url that is not http(s)', { webhooks: [{ url: 'ftp://hooks.example/SECRET' }] }, 'alerts.webhooks[0].url: expected an http:// or https:// URL'],
      ['a webhook url that is a number', { webhooks: [{ url: 12345 }] }, 'alerts.webhooks[0].url: expected an http:// or https:// URL'],
      ['a negative group_wait_ms', { webhooks: [{ url: SLACK, group_wait_ms: -1 }] }, 'alerts.webhooks[0].group_wait_ms: expected a whole number of milliseconds >= 0, got -1'],
      ['an unknown webhook key', { webhooks: [{ url: SLACK, fromat: 'slack' }] }, 'alerts.webhooks[0].fromat: unknown key (did you mean "format"?)'],
      ['webhooks not a list', { webhooks: { url: SLACK } }, 'alerts.webhooks: expected a list of webhooks, each a mapping with a url'],
      ['headers not a mapping', { webhooks: [{ url: SLACK, headers: ['x'] }] }, 'alerts.webhooks[0].headers: expected a mapping of header names to values'],
      ['an empty header value', { webhooks: [{ url: SLACK, headers: { Authorization: '' } }] }, 'alerts.webhooks[0].headers.Authorization: expected a non-empty string'],
      ['a header value with a line break', { webhooks: [{ url: SLACK, headers: { 'X-Token': 'abc\r\nEvil: 1' } }] }, 'alerts.webhooks[0].headers.X-Token: the value holds a line break or control character'],
      ['a bad header name', { webhooks: [{ url: SLACK, headers: { 'X Token': 'abc' } }] }, 'alerts.webhooks[0].headers.X Token: not a valid HTTP header name'],
      ['a reserved header', { webhooks: [{ url: SLACK, headers: { 'Content-Length': '3' } }] }, 'alerts.webhooks[0].headers.Content-Length: is set by the request itself; remove it'],
      ['a webhook that is not a mapping', { webhooks: ['https://x.example/hook'] }, 'alerts.webhooks[0]: expected a mapping with a url'],
      ['telegram that is not a mapping', { telegram: 'yes' }, 'alerts.telegram: expected a mapping with bot_token and chat_ids, got "yes"'],
      ['alertmanager that is a list', { alertmanager: ['http://a:9093'] }, 'alerts.alertmanager: expected a mapping with urls, got a list'],
      ['external_labels that is a list', { alertmanager: { urls: ['http://a:9093'], external_labels: ['a'] } }, 'alerts.alertmanager.external_labels: expected a mapping of label names to values, got a list'],
      ['telegram without bot_token', { telegram: { chat_ids: [1] } }, 'alerts.telegram.bot_token: is required'],
      ['an empty bot_token', { telegram: { bot_token: ' ', chat_ids: [1] } }, 'alerts.telegram.bot_token: expected a non-empty string'],
      ['a bot_token with a slash', { telegram: { bot_token: '123:abc/def', chat_ids: [1] } }, 'alerts.telegram.bot_token: expected a bot token like 123456:ABC-DEF (no spaces or slashes)'],
      ['telegram without chat_ids', { telegram: { bot_token: '1:a' } }, 'alerts.telegram.chat_ids: is required'],
      ['an empty chat_ids', { telegram: { bot_token: '1:a', chat_ids: [] } }, 'alerts.telegram.chat_ids: expected at least one chat id'],
      ['a bad chat id', { telegram: { bot_token: '1:a', chat_ids: [1, 'my chat'] } }, 'alerts.telegram.chat_ids[1]: expected a chat id (a whole number, negative for groups) or @channelname, got "my chat"'],
      ['a fractional chat id', { telegram: { bot_token: '1:a', chat_ids: [1.5] } }, 'alerts.telegram.chat_ids[0]: expected a chat id (a whole number, negative for groups) or @channelname, got 1.5'],
      ['a duplicated chat id', { telegram: { bot_token: '1:a', chat_ids: [42, '42'] } }, 'alerts.telegram.chat_ids[1]: 42 is already listed at chat_ids[0]'],
      ['a bad api_url', { telegram: { bot_token: '1:a', chat_ids: [1], api_url: 'api.telegram.org' } }, 'alerts.telegram.api_url: expected an http:// or https:// URL, got "api.telegram.org"'],
      ['an unknown telegram key', { telegram: { bot_token: '1:a', chat_ids: [1], chat_id: 2 } }, 'alerts.telegram.chat_id: unknown key (did you mean "chat_ids"?)'],
      ['alertmanager without urls', { alertmanager: {} }, 'alerts.alertmanager.urls: is required'],
      ['an empty urls', { alertmanager: { urls: [] } }, 'alerts.alertmanager.urls: expected at least one URL'],
      ['a bad alertmanager url', { alertmanager: { urls: ['http://a:9093', '127.0.0.1:9093'] } }, 'alerts.alertmanager.urls[1]: expected an http:// or https:// URL'],
      ['resend_every_ms of 0', { alertmanager: { urls: ['http://a:9093'], resend_every_ms: 0 } }, 'alerts.alertmanager.resend_every_ms: expected a whole number of milliseconds > 0, got 0'],
      ['a bad external label name', { alertmanager: { urls: ['http://a:9093'], external_labels: { 'my-replica': 'a' } } }, 'alerts.alertmanager.external_labels.my-replica: not a valid label name (letters, digits, _; not starting with a digit)'],
      ['a reserved external label', { alertmanager: { urls: ['http://a:9093'], external_labels: { __name__: 'a' } } }, 'alerts.alertmanager.external_labels.__name__: label names starting with __ are reserved'],
      ['an external label that is one of ours', { alertmanager: { urls: ['http://a:9093'], external_labels: { symbol: 'x' } } }, 'alerts.alertmanager.external_labels.symbol: is one of the alert\'s own labels (alertname, exchange, symbol, rule, direction, level, test)'],
      ['an external label value that is not a string', { alertmanager: { urls: ['http://a:9093'], external_labels: { replica: 1 } } }, 'alerts.alertmanager.external_labels.replica: expected a string, got 1'],
      ['an unknown alertmanager key', { alertmanager: { url: 'http://a:9093' } }, 'alerts.alertmanager.url: unknown key (did you mean "urls"?)'],
    ];
    for (const [what, alerts, line] of cases) {
      it(what, () => {
        const found = issues(withAlerts(alerts));
        expect(found[0]).to.equal(line);
        expect(found.join('\n')).not.to.match(/SECRET|XXXX|Evil/);
      });
    }

    it('an unset ${ENV} in a header', () => {
      expect(issues(withAlerts({ webhooks: [{ url: SLACK, headers: { Authorization: 'Bearer ${NO_SUCH_TOKEN}' } }] }))).to.deep.equal([
        'alerts.webhooks[0].headers.Authorization: environment variable NO_SUCH_TOKEN is not set (referenced as ${NO_SUCH_TOKEN})',
      ]);
    });
  });

  it('the --check summary names the channels by host only', () => {
    const config = decoded(
      withAlerts({
        webhooks: [{ url: SLACK, format: 'slack' }, { url: 'https://user:pw@ntfy.example:8443/topic?auth=x', format: 'ntfy' }],
        telegram: { bot_token: '123:SECRET', chat_ids: [1, 2] },
        alertmanager: { urls: ['http://127.0.0.1:9093', 'http://127.0.0.1:9094/am'] },
      }),
    );
    const summary = summarizeConfig(config);
    expect(summary).to.match(
      /; email off; webhooks 2 \(hooks\.slack\.com slack, ntfy\.example:8443 ntfy\); telegram 2 chat\(s\) via api\.telegram\.org; alertmanager 127\.0\.0\.1:9093, 127\.0\.0\.1:9094$/,
    );
    expect(summary).not.to.match(/SECRET|services|T000|user|pw|topic|auth/);
  });
});
