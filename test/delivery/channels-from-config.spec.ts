import { expect } from 'chai';
import { channelsFromConfig } from '../../src/delivery/channels-from-config.js';
import { type AlertsConfig, DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';

const base: AlertsConfig = {
  thresholds: DEFAULT_THRESHOLDS, hysteresis: 0.2, feed_down_after_ms: 120_000, symbol_silent_after_ms: 600_000, webhooks: [], silences: [],
};

describe('channelsFromConfig', () => {
  it('is no channel when none is configured', () => {
    expect(channelsFromConfig(base)).to.deep.equal([]);
  });

  it('builds email, the webhooks in config order, one Telegram channel per chat, then Alertmanager, labelled without secrets', () => {
    const channels = channelsFromConfig({
      ...base,
      email: {
        smtp_host: 'smtp.example.com', smtp_port: 587, from_addr: 'a@example.com', to_addrs: ['b@example.com'], secure: false, group_wait_ms: 5000,
      },
      webhooks: [
        { url: 'https://hooks.slack.com/services/T/B/SECRET', format: 'slack', group_wait_ms: 5000, headers: {} },
        { url: 'https://ntfy.sh/SECRET-topic', format: 'ntfy', group_wait_ms: 1000, headers: { Authorization: 'Bearer SECRET' } },
      ],
      telegram: { bot_token: '1:SECRET', chat_ids: [123456789], api_url: 'https://api.telegram.org', group_wait_ms: 5000 },
      alertmanager: { urls: ['http://127.0.0.1:9093'], resend_every_ms: 60_000 },
    });
    expect(channels.map((c) => [c.id, c.label, c.groupWaitMs])).to.deep.equal([
      ['email', 'email (smtp.example.com)', 5000],
      ['webhook-1', 'webhook 1 (hooks.slack.com)', 5000],
      ['webhook-2', 'webhook 2 (ntfy.sh)', 1000],
      ['telegram-123456789', 'telegram 123456789 (api.telegram.org)', 5000],
      ['alertmanager', 'alertmanager (127.0.0.1:9093)', 0],
    ]);
    expect(channels.map((c) => Boolean(c.background))).to.deep.equal([false, false, false, false, true]);
  });
});
