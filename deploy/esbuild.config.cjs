// serverless-esbuild's config file (custom.esbuild.config in serverless.yml): the plugin requires
// it and calls the export for its options. They are typed in esbuild.ts, which tsx loads, so the
// measurement scripts bundle with the very same settings.
const { rmSync } = require('node:fs');
const { join } = require('node:path');
const { require: tsxRequire } = require('tsx/cjs/api');

const { serverlessEsbuildOptions } = tsxRequire('./esbuild.ts', __filename);

// The plugin passes the framework's instance: the command decides the bundle's extension.
module.exports = (serverless) => {
  // The plugin's work folder outlives `invoke local` (it cleans up only after packaging), and a
  // package zips whatever the folder holds: start every command from an empty one, so no stale
  // bundle (the .js that invoke local builds) ships.
  rmSync(join(__dirname, '..', '.esbuild'), { recursive: true, force: true });
  return serverlessEsbuildOptions(serverless?.processedInput?.commands ?? []);
};
