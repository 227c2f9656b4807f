import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Where a system Chromium is looked for, in this order (Debian, then Ubuntu's name). */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The flags every launch gets: headless, and nothing that needs a sandbox, a GPU
 * or the network. Playwright adds a fresh `--user-data-dir` of its own to each
 * launch (and removes it on close), so no profile is shared between tests.
 */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Which Chromium a launch uses and why (shown when the launch fails). */
export interface ChromiumChoice {
  readonly executablePath: string;
  readonly source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
  /** Extra environment for the browser process (fonts of the bundled build). */
  readonly env?: Record<string, string>;
}

/**
 * Picks the Chromium for the browser tests: `CHROMIUM_PATH` when set, else a
 * system Chromium when one is installed, else the build that the
 * `@sparticuz/chromium` dev dependency ships inside its npm package, so that
 * `npm ci && npm test` needs nothing but Node (no apt step, no download).
 */
export async function chooseChromium(): Promise<ChromiumChoice> {
  const override = process.env['CHROMIUM_PATH'];
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH=${override}: no such file`);
    return { executablePath: override, source: 'CHROMIUM_PATH' };
  }
  const system = SYSTEM_CHROMIUM_PATHS.find((path) => existsSync(path));
  if (system !== undefined) return { executablePath: system, source: 'system' };
  return bundledChromium();
}

/**
 * Unpacks `@sparticuz/chromium` once per version and user into
 * `<tmpdir>/crypto-supervisor-chromium-<version>-<uid>/` and returns it.
 *
 * The package's own `executablePath()` unpacks into `<tmpdir>/chromium`, a name
 * shared with anything else on the machine and visible half-written to a second
 * test run started at the same moment (several worktrees test in parallel here).
 * So it unpacks into a private staging directory (the package reads `TMPDIR` at
 * call time) that is then renamed into place in one step; whoever renames first
 * wins and the other run uses the winner's copy.
 */
async function bundledChromium(): Promise<ChromiumChoice> {
  const { version } = sparticuzPackage();
  const uid = process.getuid?.() ?? 0;
  const home = join(tmpdir(), `crypto-supervisor-chromium-${version}-${uid}`);
  const executablePath = join(home, 'chromium');
  if (!existsSync(executablePath)) {
    const staging = mkdtempSync(`${home}.staging-`);
    const savedTmpdir = process.env['TMPDIR'];
    try {
      process.env['TMPDIR'] = staging;
      const { default: Sparticuz } = await import('@sparticuz/chromium');
      await Sparticuz.executablePath();
    } finally {
      if (savedTmpdir === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmpdir;
    }
    // The package's fonts.conf names /tmp/fonts; this one names where the fonts are,
    // and keeps the system's fonts where the system has any.
    writeFileSync(join(staging, 'fonts.conf'), [
      '<?xml version="1.0"?>',
      '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
      '<fontconfig>',
      '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
      `  <dir>${join(home, 'fonts')}</dir>`,
      `  <cachedir>${join(home, 'fonts-cache')}</cachedir>`,
      '</fontconfig>',
      '',
    ].join('\n'));
    try {
      renameSync(staging, home);
    } catch (error) {
      // Another run renamed its copy into place first: use that one.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(executablePath)) throw error;
    }
  }
  return { executablePath, source: '@sparticuz/chromium', env: { FONTCONFIG_FILE: join(home, 'fonts.conf') } };
}

/** The `@sparticuz/chromium` package.json (its `exports` hide it from require). */
function sparticuzPackage(): { version: string } {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const root = entry.slice(0, entry.lastIndexOf(`${sep}build${sep}`));
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
}

/**
 * Launches headless Chromium through playwright-core (which downloads no
 * browser), chosen by {@link chooseChromium}. Fails with a clear message naming
 * the binary when it cannot start: a browser test must never skip silently.
 */
export async function launchChromium(): Promise<Browser> {
  const choice = await chooseChromium();
  try {
    return await chromium.launch({
      executablePath: choice.executablePath,
      args: CHROMIUM_ARGS,
      ...(choice.env === undefined ? {} : { env: { ...process.env, ...choice.env } }),
    });
  } catch (error) {
    throw new Error(`headless Chromium (${choice.source}: ${choice.executablePath}) did not start: ${(error as Error).message}`);
  }
}

/**
 * Where browser tests put their screenshots (for a person to look at; nothing
 * asserts on them): `TEST_ARTIFACTS_DIR`, else `<tmpdir>/crypto-supervisor-test-artifacts/`,
 * never the checkout. Returns the path for `name`, creating the directory.
 */
export function artifactPath(name: string): string {
  const dir = process.env['TEST_ARTIFACTS_DIR'] || join(tmpdir(), 'crypto-supervisor-test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
