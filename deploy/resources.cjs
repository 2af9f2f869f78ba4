// Glue between serverless.yml and the TypeScript stack definition: the framework calls this with
// its variable resolver; tsx loads deploy/stack/ so the definitions stay typed and tested.
const { require: tsxRequire } = require('tsx/cjs/api');

const { DEFAULT_STACK_PARAMETERS, parseStackParameters } = tsxRequire(
  '../shared/monitoring/parameters.ts',
  __filename,
);
const { buildStack } = tsxRequire('./stack/index.ts', __filename);

let cached;

module.exports = async ({ resolveVariable }) => {
  if (!cached) {
    const raw = {};
    for (const key of Object.keys(DEFAULT_STACK_PARAMETERS)) {
      raw[key] = await resolveVariable(`param:${key}, null`);
    }
    const service = await resolveVariable('self:service');
    const stage = await resolveVariable('sls:stage');
    cached = buildStack(parseStackParameters(raw), { service, stage });
  }
  return cached;
};
