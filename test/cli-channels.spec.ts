import { expect } from 'chai';
import { runCli } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

describe('cli --check: channels', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  const exchanges = 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\n';

  it('a bad channel block exits 2 with one line naming its key path', async () => {
    const file = dir.write(
      'bad.yaml',
      `${exchanges}alerts:\n  webhooks:\n    - url: https://hooks.slack.com/services/T0/B0/SECRET\n    - url: https://ntfy.sh/SECRET\n      format: teams\n`,
    );
    const run = await runCli(['--check', '--config', file]);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stderr.trim()).to.equal(
      `crypto-supervisor: ${file}: alerts.webhooks[1].format: expected one of slack, discord, ntfy, json, got "teams"`,
    );
  });

  it('the summary names each channel by host, with ${ENV} secrets expanded but never printed', async () => {
    const file = dir.write(
      'ok.yaml',
      `${exchanges}alerts:\n  webhooks:\n    - url: \${HOOK_URL}\n      format: slack\n      headers: { Authorization: "Bearer \${HOOK_TOKEN}" }\n  telegram:\n    bot_token: \${TG_TOKEN}\n    chat_ids: [123456789]\n  alertmanager:\n    urls: [http://127.0.0.1:9093]\n`,
    );
    const env = { HOOK_URL: 'https://hooks.slack.com/services/T0/B0/HOOKSECRET', HOOK_TOKEN: 'TOKENSECRET', TG_TOKEN: '1:TGSECRET' };
    const run = await runCli(['--check', '--config', file], env);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('webhooks 1 (hooks.slack.com slack); telegram 1 chat(s) via api.telegram.org; alertmanager 127.0.0.1:9093');
    expect(run.stdout + run.stderr).not.to.match(/SECRET|services/);
  });
});
