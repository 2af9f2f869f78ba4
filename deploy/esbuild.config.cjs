// serverless-esbuild's config file (custom.esbuild.config in serverless.yml): the plugin requires
// it and calls the export for its options. They are typed in esbuild.ts, which tsx loads, so the
// measurement scripts bundle with the very same settings.
const { require: tsxRequire } = require('tsx/cjs/api');

const { serverlessEsbuildOptions } = tsxRequire('./esbuild.ts', __filename);

module.exports = () => serverlessEsbuildOptions();
