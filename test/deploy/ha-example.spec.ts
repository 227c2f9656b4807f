import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { load } from 'js-yaml';
import { alertmanagerArgs, findAlertmanager } from '../helpers/alertmanager-cluster.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The `--flag=value` arguments of each Alertmanager started by run-local.sh, in order. */
function plainCommandPeers(script: string): string[][] {
  return script
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.startsWith('"$ALERTMANAGER"'))
    .map((line) => [...line.matchAll(/(--[\w.-]+=\S+)/g)].map((m) => m[1]!.replace(/"/g, '')));
}

/** The flag names, `--cluster.peer` once per peer, without the values. */
const flagNames = (args: readonly string[]) => args.map((arg) => arg.slice(0, arg.indexOf('=')));

/** The flags whose values must agree between the plain commands and compose (addresses, not paths). */
const addresses = (args: readonly string[]) => args.filter((arg) => /^--(web\.listen-address|cluster\.listen-address|cluster\.peer)=/.test(arg));

describe('deploy/ha: two supervisors behind two Alertmanager peers', function () {
  this.timeout(30_000);
  const script = read('deploy/ha/run-local.sh');
  const compose = load(read('deploy/ha/compose.yaml')) as { services: Record<string, { command?: string[]; network_mode?: string; environment?: Record<string, string> }> };
  const alertmanager = load(read('deploy/ha/alertmanager.yml')) as {
    route: { group_by: string[]; repeat_interval: string };
    receivers: { webhook_configs: { url: string; send_resolved: boolean }[] }[];
  };
  const supervisor = load(read('deploy/ha/supervisor.yaml')) as { alerts: { alertmanager: { urls: string[]; external_labels?: Record<string, string> } } };
  const peers = plainCommandPeers(script);

  it('the plain commands start two peers with the flags the HA suite gives its peers (bar its short timers and debug logs)', () => {
    expect(spawnSync('bash', ['-n', join(REPO_ROOT, 'deploy/ha/run-local.sh')]).status).to.equal(0);
    const suite = alertmanagerArgs({
      configFile: 'c', storagePath: 's', webPort: 1, clusterPort: 2, peerClusterPorts: [2, 3], peerTimeout: '2s', gossipInterval: '50ms',
    }).filter((arg) => !/^--(cluster\.peer-timeout|cluster\.gossip-interval|log\.level)=/.test(arg));
    expect(peers).to.have.length(2);
    for (const peer of peers) expect(flagNames(peer)).to.deep.equal(flagNames(suite));
    // Each peer names every peer's gossip address, itself included.
    const gossip = peers.map((peer) => peer.find((arg) => arg.startsWith('--cluster.listen-address='))!.split('=')[1]);
    for (const peer of peers) expect(peer.filter((arg) => arg.startsWith('--cluster.peer=')).map((arg) => arg.split('=')[1])).to.deep.equal(gossip);
  });

  it('compose runs the same peers (same flags and addresses) on the host network, and the same supervisors', () => {
    const composed = ['alertmanager-1', 'alertmanager-2'].map((name) => compose.services[name]!.command!);
    expect(composed.map(flagNames)).to.deep.equal(peers.map(flagNames));
    expect(composed.map(addresses)).to.deep.equal(peers.map(addresses));
    for (const service of Object.values(compose.services)) expect(service.network_mode).to.equal('host');
    const listens = ['supervisor-a', 'supervisor-b'].map((name) => compose.services[name]!.environment!.HTTP_LISTEN);
    for (const listen of listens) expect(script).to.include(`HTTP_LISTEN=${listen}`);
  });

  it('each supervisor posts to every peer, with no label that differs per replica', async () => {
    const webAddresses = peers.map((peer) => `http://${peer.find((arg) => arg.startsWith('--web.listen-address='))!.split('=')[1]}`);
    expect(supervisor.alerts.alertmanager.urls).to.deep.equal(webAddresses);
    expect(Object.keys(supervisor.alerts.alertmanager.external_labels ?? {})).to.not.include('replica');
    const run = await runCli(['--check', '--config', 'deploy/ha/supervisor.yaml'], { STATE_DIR: '/tmp/unused-a', HTTP_LISTEN: '127.0.0.1:9464' });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`alertmanager ${webAddresses.map((url) => new URL(url).host).join(', ')}`);
  });

  it('Alertmanager groups by the alert identity (a move at a level), notifies resolutions, and calls the example receiver', () => {
    expect(alertmanager.route.group_by).to.deep.equal(['alertname', 'exchange', 'symbol', 'rule', 'direction', 'level']);
    const [webhook] = alertmanager.receivers[0]!.webhook_configs;
    expect(webhook!.send_resolved).to.equal(true);
    expect(webhook!.url).to.equal('http://127.0.0.1:5001/alerts');
    expect(script).to.include('PORT=5001 node deploy/ha/receiver.mjs');
  });

  it('alertmanager.yml passes amtool check-config', function () {
    const binary = findAlertmanager();
    const amtool = binary ? join(binary, '..', 'amtool') : undefined;
    if (!amtool || spawnSync(amtool, ['--version']).status !== 0) {
      // Not silent: the reason is printed, and mocha lists the test as pending.
      console.log('      amtool not found (Debian package: prometheus-alertmanager): alertmanager.yml is not checked on this machine');
      this.skip();
    }
    const check = spawnSync(amtool!, ['check-config', join(REPO_ROOT, 'deploy/ha/alertmanager.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).to.equal(0);
  });
});
