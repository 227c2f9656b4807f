// Step two of `npm run build`: bundles the CLI that tsc just emitted (dist/cli.js and
// the ~150 files it imports, with rxjs, io-ts, fp-ts and js-yaml) into dist/cli.js, one
// file. Why: Node 20 loads an ES module graph file by file (resolve, read, compile,
// link), which took most of the CLI's start-up (`--version` 0.17 s against 0.04 s for
// a bare `node -e 0`). The rest of dist/ stays as tsc wrote it: dist/index.js is the
// library, and an embedding app shares its own rxjs with it.
//
// Left out of the bundle (external), loaded from node_modules only when used: ws (a
// live feed, the demo's simulators), nodemailer (an email channel), prom-client
// (GET /metrics). The code requires them on first use, so a replay or a --check never
// loads them; bundled, they would be compiled on every start.
//
// The bundled packages' licences go to dist/cli.licenses.txt (named in the bundle's
// banner); esbuild keeps their own legal comments at the end of the bundle.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = 'dist/cli.js';
const LICENSES = 'dist/cli.licenses.txt';
const BANNER_MARK = '// crypto-supervisor CLI, bundled';
/** rxjs's ES2015 build (see `alias` below), wherever npm put rxjs. */
const RXJS_ESM = join(dirname(createRequire(import.meta.url).resolve('rxjs/package.json')), 'dist', 'esm', 'index.js');

if (readFileSync(join(ROOT, ENTRY), 'utf8').includes(BANNER_MARK)) {
  process.stderr.write(`bundle-cli: ${ENTRY} is already a bundle: run \`npm run build\` (tsc, then this script), not this script alone\n`);
  process.exit(1);
}

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [ENTRY],
  outfile: ENTRY,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ws', 'nodemailer', 'prom-client'],
  // rxjs's ES2015 build, not the CommonJS one the `node` export condition picks: the
  // bundle then keeps only the operators we use (rxjs declares no side effects). Every
  // import of rxjs goes there, so there is one Observable class; a subpath import
  // (`rxjs/operators`) fails the build: import from 'rxjs'.
  alias: { rxjs: RXJS_ESM },
  // Maps to src/ through tsc's own maps, as the rest of dist/ does (no sources inlined).
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  banner: { js: `${BANNER_MARK} by scripts/bundle-cli.mjs; the licences of the packages in it: cli.licenses.txt` },
  metafile: true,
  logLevel: 'warning',
});

/** The root folder of the npm package a bundled input file belongs to, or undefined for ours. */
function packageRoot(input) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

const roots = [...new Set(Object.keys(result.metafile.inputs).map(packageRoot).filter((root) => root !== undefined))].sort();
const sections = roots.map((root) => {
  const manifest = JSON.parse(readFileSync(join(ROOT, root, 'package.json'), 'utf8'));
  const licenseFile = ['LICENSE', 'LICENSE.txt', 'LICENSE.md', 'license'].map((name) => join(ROOT, root, name)).find((path) => existsSync(path));
  if (licenseFile === undefined) throw new Error(`${root}: no licence file to ship with the bundle`);
  return `${manifest.name} ${manifest.version} (${manifest.license})\n\n${readFileSync(licenseFile, 'utf8').trim()}\n`;
});
writeFileSync(
  join(ROOT, LICENSES),
  `dist/cli.js bundles these packages; their licences follow.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`,
);
