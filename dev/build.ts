/**
 * `npm run build` (and `npm pack`'s prepack): bundles the CLI (cli/main.ts) into one file,
 * dist/bedrock-watch.mjs, the package's bin. Everything it needs is inside: the dependencies, the
 * price table, uPlot and the preview's chart script; the package ships only it, the sample set and
 * the README, and depends on nothing. The esbuild settings are the functions' (deploy/esbuild.ts),
 * with the AWS SDK bundled too (no runtime provides it) and no source map.
 */
import { rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_DEFINE, type BundleFacts } from '../cli/common/bundle';
import { readPreviewAssets } from '../cli/preview/html';
import { ESBUILD_OPTIONS } from '../deploy/esbuild';

const ROOT = join(import.meta.dirname, '..');
export const BIN = join(ROOT, 'dist', 'bedrock-watch.mjs');

const { outExtension: _ext, external: _sdk, banner, sourcemap: _map, ...options } = ESBUILD_OPTIONS;

const facts: BundleFacts = { rootFromBundle: '..', previewAssets: readPreviewAssets() };

rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
await build({
  ...options,
  entryPoints: [join(ROOT, 'cli', 'main.ts')],
  outfile: BIN,
  // The shebang must be the file's first line; the bundled CommonJS still needs a require.
  banner: { js: `#!/usr/bin/env node\n${banner.js}` },
  define: { [BUNDLE_DEFINE]: JSON.stringify(facts) },
  logLevel: 'warning',
});
// On stderr: prepack runs this inside `npm pack`, whose stdout (with --json) other tools parse.
process.stderr.write(`built ${relative(ROOT, BIN)} (${(statSync(BIN).size / 1024).toFixed(0)} KiB)\n`);
