/**
 * How the functions are bundled, in one place: serverless-esbuild reads these settings through
 * deploy/esbuild.config.cjs, and dev/lib/ingest-bundle.ts bundles with them to measure the
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
  // The Lambda runtime ships AWS SDK v3, which six of the functions call (ingest, month-to-date, reconcile,
  // notifier, failover-switch, logging-config): the zips need not carry it.
  external: ['@aws-sdk/*'],
} satisfies BuildOptions;

/** The plugin's own options beside esbuild's. */
export interface PluginOptions {
  /** Keeps the SDK out of the zips too. */
  exclude: string[];
  /** The bundle's extension; the plugin names the handler's file and sets esbuild's outExtension from it. */
  outputFileExtension: '.mjs' | '.js';
  /**
   * Builds without an esbuild context: none is left open when a command fails, which otherwise
   * keeps the process alive (serverless invoke local hung after a failed load).
   */
  skipRebuild: boolean;
}

/**
 * serverless-esbuild's options: esbuild's, and the plugin's. A fresh copy each time, as the plugin
 * merges into what it is given. `serverless invoke local` loads the handler with require, which
 * finds `.js` but never `.mjs`: for that command only the bundle is `handler.js`, the same ES module
 * (Node imports it when require refuses it; the repository's package.json says "module").
 */
export function serverlessEsbuildOptions(commands: readonly string[] = []): BuildOptions & PluginOptions {
  const { outExtension: _deployed, ...options } = structuredClone(ESBUILD_OPTIONS);
  const invokeLocal = commands[0] === 'invoke' && commands[1] === 'local';
  return {
    ...options,
    exclude: ['@aws-sdk/*'],
    outputFileExtension: invokeLocal ? '.js' : '.mjs',
    skipRebuild: true,
  };
}
