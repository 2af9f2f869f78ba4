// Glue between serverless.yml and the alerting parts of the stack (deploy/stack/alert-environment.ts):
// the reconcile schedule's switch and the notifier's and failover switch's roles. The functions'
// environments come from deploy/resources.cjs.
const { require: tsxRequire } = require('tsx/cjs/api');

const { DEFAULT_STACK_PARAMETERS, parseStackParameters } = tsxRequire(
  '../shared/monitoring/parameters.ts',
  __filename,
);
const { alertEnvironments } = tsxRequire('./stack/alert-environment.ts', __filename);
const { refuse } = require('./resources.cjs');

let cached;

module.exports = async ({ resolveVariable }) => {
  if (!cached) {
    const raw = {};
    for (const key of Object.keys(DEFAULT_STACK_PARAMETERS)) {
      raw[key] = await resolveVariable(`param:${key}, null`);
    }
    const service = await resolveVariable('self:service');
    const stage = await resolveVariable('sls:stage');
    try {
      cached = alertEnvironments(parseStackParameters(raw), { service, stage });
    } catch (error) {
      refuse(error);
    }
  }
  return cached;
};
