import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** `Key=value` lines of a unit file (comments and sections dropped), in order. */
function unitSettings(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('['))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

/** A Dockerfile's instructions (continuation lines joined), split into stages at each FROM. */
function dockerStages(text: string): Array<Array<[string, string]>> {
  const stages: Array<Array<[string, string]>> = [];
  for (const line of text.replace(/\\\n\s*/g, ' ').split('\n')) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    if (match[1] === 'FROM') stages.push([]);
    stages.at(-1)?.push([match[1]!, match[2]!]);
  }
  return stages;
}

describe('deploy/: the service recipes', function () {
  this.timeout(30_000);

  describe('crypto-supervisor.service (systemd)', () => {
    const unit = read('deploy/crypto-supervisor.service');
    const settings = unitSettings(unit);
    const value = (key: string) => settings.filter(([k]) => k === key).map(([, v]) => v);

    it('passes systemd-analyze verify without a warning', function () {
      const which = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' });
      if (which.status !== 0) {
        // Not silent: the reason is printed, and mocha lists the test as pending.
        console.log('      systemd-analyze not found (Debian package: systemd): the unit is not verified on this machine');
        this.skip();
      }
      const verify = spawnSync('systemd-analyze', ['verify', join(REPO_ROOT, 'deploy', 'crypto-supervisor.service')], { encoding: 'utf8' });
      expect(verify.stderr + verify.stdout).to.equal('');
      expect(verify.status).to.equal(0);
    });

    it('restarts always, stops with SIGTERM, reads secrets from an EnvironmentFile, runs unprivileged and hardened', () => {
      expect(value('Restart')).to.deep.equal(['always']);
      expect(value('KillSignal')).to.deep.equal(['SIGTERM']);
      expect(value('EnvironmentFile')).to.deep.equal(['/etc/crypto-supervisor/crypto-supervisor.env']);
      expect(value('User')).to.deep.equal(['crypto-supervisor']);
      expect(value('StateDirectory')).to.deep.equal(['crypto-supervisor']);
      for (const [key, setting] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['CapabilityBoundingSet', '']]) {
        expect(value(key!), key).to.deep.equal([setting]);
      }
      // node directly (never npm), so that the signal reaches the service itself.
      expect(value('ExecStart')[0]).to.match(/^\/usr\/bin\/env node \/opt\/crypto-supervisor\/node_modules\/crypto-supervisor\/dist\/cli\.js --config /);
    });
  });

  it('deploy/config.yaml passes --check, with its state in the unit\'s StateDirectory and the image\'s volume', async () => {
    const run = await runCli(['--check', '--config', 'deploy/config.yaml']);
    expect(run.code, run.stderr).to.equal(0);
    expect(read('deploy/config.yaml')).to.match(/^state_dir: \/var\/lib\/crypto-supervisor$/m);
  });

  describe('Dockerfile (checked as text: no container engine runs here)', () => {
    const stages = dockerStages(read('deploy/Dockerfile'));
    const runtime = stages.at(-1)!;
    const args = (stage: Array<[string, string]>, instruction: string) => stage.filter(([i]) => i === instruction).map(([, a]) => a);

    it('builds in one stage and runs in another, as a non-root user', () => {
      expect(stages).to.have.length.greaterThanOrEqual(2);
      expect(args(stages[0]!, 'FROM')[0]).to.match(/ AS build$/);
      expect(args(runtime, 'RUN').join('\n')).to.not.match(/npm (ci|install)(?!.*--omit=dev)/);
      expect(args(runtime, 'USER')).to.deep.equal(['node']);
    });

    it('checks /livez, keeps its state in a volume and stops with SIGTERM', () => {
      expect(args(runtime, 'HEALTHCHECK').join()).to.include('http://127.0.0.1:9464/livez');
      expect(args(runtime, 'VOLUME')).to.deep.equal(['/var/lib/crypto-supervisor']);
      expect(args(runtime, 'STOPSIGNAL')).to.deep.equal(['SIGTERM']);
      expect(args(runtime, 'ENTRYPOINT')[0]).to.equal('["node", "/opt/crypto-supervisor/dist/cli.js"]');
    });

    it('copies only files that exist in the repository and that .dockerignore lets through', () => {
      const ignored = read('.dockerignore').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
      const sources = stages.flatMap((stage) => args(stage, 'COPY')).filter((a) => !a.startsWith('--from')).flatMap((a) => a.split(/\s+/).slice(0, -1));
      expect(sources).to.include.members(['package.json', 'package-lock.json', 'src', 'deploy/config.yaml']);
      for (const source of sources) {
        expect(existsSync(join(REPO_ROOT, source)), source).to.equal(true);
        expect(ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)), source).to.deep.equal([]);
      }
    });
  });
});
