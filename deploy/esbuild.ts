/**
 * How the functions are bundled, in one place: serverless-esbuild reads these settings through
 * deploy/esbuild.config.cjs, and scripts/lib/ingest-bundle.ts bundles with them to measure the
 * ingest function as deployed.
 */
import type { BuildOptions } from 'esbuild';

/** esbuild's own options for every function bundle (entry points and output place aside). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  sourcemap: true,
  keepNames: true,
  // Node 20 syntax runs on the nodejs22.x runtime and on this repo's Node 20 toolchain.
  target: 'node20',
  platform: 'node',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // Bundled CommonJS dependencies call require, which an ES module does not have.
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  // The Lambda runtime ships AWS SDK v3; only the logging-config function uses it.
  external: ['@aws-sdk/*'],
} satisfies BuildOptions;

/**
 * serverless-esbuild's options: esbuild's, and `exclude`, which keeps the SDK out of the zips too.
 * A fresh copy each time, as the plugin merges into what it is given.
 */
export function serverlessEsbuildOptions(): BuildOptions & { exclude: string[] } {
  return { ...structuredClone(ESBUILD_OPTIONS), exclude: ['@aws-sdk/*'] };
}
