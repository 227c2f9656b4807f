import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';

/**
 * Where the Alertmanager binary is: `ALERTMANAGER_BIN` when set, else Debian's
 * `prometheus-alertmanager` package (`/usr/bin/prometheus-alertmanager`), else
 * an `alertmanager` on the PATH (the upstream release's name).
 */
export const ALERTMANAGER_CANDIDATES = ['/usr/bin/prometheus-alertmanager', 'prometheus-alertmanager', 'alertmanager'] as const;

/** What the HA suite says when it finds no Alertmanager: which binary, and how to get it. */
export const ALERTMANAGER_MISSING =
  'npm run test:ha needs Prometheus Alertmanager: Debian\'s prometheus-alertmanager package ' +
  '(binary /usr/bin/prometheus-alertmanager; `sudo apt-get install prometheus-alertmanager`, which .ci/run does when it is missing), ' +
  'or an alertmanager binary named by ALERTMANAGER_BIN=/path/to/alertmanager';

/** The Alertmanager binary to run, or `undefined` when there is none (see {@link ALERTMANAGER_MISSING}). */
export function findAlertmanager(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.ALERTMANAGER_BIN ? [env.ALERTMANAGER_BIN] : ALERTMANAGER_CANDIDATES;
  for (const candidate of candidates) {
    if (candidate.includes('/')) {
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        continue;
      }
    }
    const found = spawnSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return undefined;
}

/** A free loopback TCP port (and, for the cluster port, almost surely a free UDP one too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Where one peer listens and keeps its state. */
export interface AlertmanagerPeerPlan {
  readonly configFile: string;
  readonly storagePath: string;
  readonly webPort: number;
  readonly clusterPort: number;
  /** Every peer's cluster port, this one's included (Alertmanager ignores itself). */
  readonly peerClusterPorts: readonly number[];
  /** `--cluster.peer-timeout`: how long the peer at position n waits n times before it notifies. */
  readonly peerTimeout: string;
  /** `--cluster.gossip-interval`: also paces the start-up settle (10 x this per poll). */
  readonly gossipInterval: string;
}

/**
 * The command-line flags of one peer. The same flags as deploy/ha's plain
 * commands and compose file (test/deploy checks it), with the cluster timers
 * that the suite shortens and debug logs, which it reads to know when a peer
 * flushed a group.
 */
export function alertmanagerArgs(plan: AlertmanagerPeerPlan): string[] {
  return [
    `--config.file=${plan.configFile}`,
    `--storage.path=${plan.storagePath}`,
    `--web.listen-address=127.0.0.1:${plan.webPort}`,
    `--cluster.listen-address=127.0.0.1:${plan.clusterPort}`,
    ...plan.peerClusterPorts.map((port) => `--cluster.peer=127.0.0.1:${port}`),
    `--cluster.peer-timeout=${plan.peerTimeout}`,
    `--cluster.gossip-interval=${plan.gossipInterval}`,
    '--log.level=debug',
  ];
}

/** One aggregation-group flush a peer logged (`msg=flushing`, debug level). */
export interface GroupFlush {
  /** Our clock when the line was read. */
  readonly at: number;
  /** The group key as logged: `{}:{alertname="CryptoPriceMove", ...}`. */
  readonly group: string;
  /** `active` or `resolved`, one per alert of the group. */
  readonly states: readonly string[];
}

/** One running Alertmanager peer. */
export interface AlertmanagerPeer {
  readonly name: string;
  /** `http://127.0.0.1:PORT`: what `alerts.alertmanager.urls` names. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it logged so far (logfmt, stderr). */
  log(): string;
  readonly flushes: readonly GroupFlush[];
  /** How many notifications it sent (`msg="Notify success"` lines). */
  notifySuccesses(): number;
  alive(): boolean;
  /** SIGKILL; resolves once it exited. */
  kill(): Promise<void>;
}

/** Options of {@link startAlertmanagerCluster}. */
export interface AlertmanagerClusterOptions {
  /** Directory for the generated config and each peer's storage. */
  readonly dir: string;
  /** `alertmanager.yml` as text. */
  readonly config: string;
  /** Number of peers. Default 2. */
  readonly peers?: number;
  /** Default `2s`. */
  readonly peerTimeout?: string;
  /** Default `50ms`. */
  readonly gossipInterval?: string;
  /** Give up waiting for the cluster after this, ms. Default 30000. */
  readonly readyTimeoutMs?: number;
}

/** Peers of one cluster, each ready (API up, gossip settled). */
export interface AlertmanagerCluster {
  readonly peers: readonly AlertmanagerPeer[];
  /** The peer timeout in ms, as passed. */
  readonly peerTimeoutMs: number;
  /** Kills every peer still running. */
  stop(): Promise<void>;
}

// logfmt: aggrGroup="{}:{alertname=\"CryptoPriceMove\", ...}" msg=flushing alerts=[CryptoPriceMove[529df4d][active]]
// (quoted, alerts="[... ...]", when the group holds more than one alert).
const FLUSH = /aggrGroup="((?:[^"\\]|\\.)*)" msg=flushing alerts="?\[(.*)\]"?\s*$/;

function durationMs(text: string): number {
  const match = /^(\d+)(ms|s)$/.exec(text);
  if (!match) throw new Error(`unsupported duration ${text}`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

/**
 * Starts a cluster of real Alertmanager peers on loopback (free ports, storage
 * under `dir`) and resolves once every peer answers `/-/ready` and logged
 * `gossip settled` (before that a peer holds back notifications).
 *
 * @throws when no Alertmanager is installed ({@link ALERTMANAGER_MISSING}).
 */
export async function startAlertmanagerCluster(options: AlertmanagerClusterOptions): Promise<AlertmanagerCluster> {
  const binary = findAlertmanager();
  if (!binary) throw new Error(ALERTMANAGER_MISSING);
  const count = options.peers ?? 2;
  const peerTimeout = options.peerTimeout ?? '2s';
  const configFile = join(options.dir, 'alertmanager.yml');
  writeFileSync(configFile, options.config);
  const webPorts: number[] = [];
  const clusterPorts: number[] = [];
  for (let i = 0; i < count; i++) {
    webPorts.push(await freePort());
    clusterPorts.push(await freePort());
  }
  const peers = webPorts.map((webPort, i): AlertmanagerPeer => {
    const storagePath = join(options.dir, `am-${i + 1}`);
    mkdirSync(storagePath, { recursive: true });
    const child = spawn(
      binary,
      alertmanagerArgs({
        configFile,
        storagePath,
        webPort,
        clusterPort: clusterPorts[i]!,
        peerClusterPorts: clusterPorts,
        peerTimeout,
        gossipInterval: options.gossipInterval ?? '50ms',
      }),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    let partial = '';
    let exited = false;
    const flushes: GroupFlush[] = [];
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const match = FLUSH.exec(line);
        if (!match) continue;
        const group = match[1]!.replace(/\\"/g, '"');
        const states = [...match[2]!.matchAll(/\[(active|resolved|suppressed|unprocessed)\]/g)].map((m) => m[1]!);
        flushes.push({ at: Date.now(), group, states });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
    return {
      name: `alertmanager-${i + 1}`,
      url: `http://127.0.0.1:${webPort}`,
      process: child,
      log: () => text,
      flushes,
      notifySuccesses: () => text.split('msg="Notify success"').length - 1,
      alive: () => !exited,
      kill: async () => {
        if (!exited) child.kill('SIGKILL');
        await exit;
      },
    };
  });
  const cluster: AlertmanagerCluster = {
    peers,
    peerTimeoutMs: durationMs(peerTimeout),
    stop: async () => {
      await Promise.all(peers.map((peer) => peer.kill()));
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (const peer of peers) {
      for (;;) {
        if (!peer.alive()) throw new Error(`${peer.name} exited at start:\n${peer.log()}`);
        const ready = await fetch(`${peer.url}/-/ready`).then((r) => r.ok, () => false);
        if (ready && /gossip settled/.test(peer.log())) break;
        if (Date.now() > deadline) throw new Error(`${peer.name} not ready (API up and gossip settled) in time:\n${peer.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Options of {@link flushedAndQuiet}. */
export interface FlushedAndQuietOptions {
  /** Give up waiting for the flushes after this, ms. Default 30000. */
  readonly timeoutMs?: number;
  /** Time for gossip to carry a notification-log entry between peers, on top of the peer timeout. Default 1500. */
  readonly graceMs?: number;
}

/**
 * Resolves once every live peer logged a flush of a group that `group` matches
 * (its logged key) with an alert in `state`, since `since`, and then the peer
 * timeout (times the number of other live peers) plus a grace period passed:
 * the window in which a peer would send a duplicate of that flush's
 * notification. Counting notifications after this is counting all of them.
 */
export async function flushedAndQuiet(
  cluster: AlertmanagerCluster,
  group: (key: string) => boolean,
  state: 'active' | 'resolved',
  since: number,
  options: FlushedAndQuietOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const flushOf = (peer: AlertmanagerPeer) => peer.flushes.find((f) => f.at >= since && group(f.group) && f.states.includes(state));
  for (;;) {
    const live = cluster.peers.filter((peer) => peer.alive());
    const flushes = live.map(flushOf);
    if (flushes.every((flush) => flush !== undefined)) {
      const quietUntil = Math.max(...flushes.map((flush) => flush!.at)) + cluster.peerTimeoutMs * (live.length - 1) + (options.graceMs ?? 1500);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntil - Date.now())));
      return;
    }
    if (Date.now() > deadline) {
      const missing = live.filter((peer) => flushOf(peer) === undefined).map((peer) => peer.name);
      throw new Error(`${missing.join(', ')} logged no flush of the group with an alert ${state} in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * deploy/ha/alertmanager.yml as the HA suites run it: the webhook pointed at
 * `receiverUrl`, `group_wait` 200 ms and `group_interval` twice the peer
 * timeout. Longer than the peer timeout, as Alertmanager's defaults are (5m
 * against 15s), so that both peers flush a group in step: with a shorter one,
 * the second peer's flushes drift into its peer-timeout wait, and a flush that
 * began before a resolution notifies the move as firing again after it was
 * resolved. `repeat_interval` stays long (4h): a repeat is a reminder, which
 * would be a second notification by design.
 */
export function haAlertmanagerConfig(deployFile: string, receiverUrl: string, peerTimeoutMs: number): string {
  const config = load(readFileSync(deployFile, 'utf8')) as {
    route: Record<string, unknown>;
    receivers: { webhook_configs: { url: string }[] }[];
  };
  config.route.group_wait = '200ms';
  config.route.group_interval = `${2 * peerTimeoutMs}ms`;
  config.receivers[0]!.webhook_configs[0]!.url = receiverUrl;
  return dump(config);
}
