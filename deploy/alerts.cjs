// Glue between serverless.yml and the alerting parts of the stack (deploy/stack/alert-environment.ts):
// the per-function environment of the month-to-date function, the notifier and the failover switch.
const { require: tsxRequire } = require('tsx/cjs/api');

const { DEFAULT_STACK_PARAMETERS, parseStackParameters } = tsxRequire(
  '../shared/monitoring/parameters.ts',
  __filename,
);
const { alertEnvironments } = tsxRequire('./stack/alert-environment.ts', __filename);

let cached;

module.exports = async ({ resolveVariable }) => {
  if (!cached) {
    const raw = {};
    for (const key of Object.keys(DEFAULT_STACK_PARAMETERS)) {
      raw[key] = await resolveVariable(`param:${key}, null`);
    }
    const service = await resolveVariable('self:service');
    const stage = await resolveVariable('sls:stage');
    cached = alertEnvironments(parseStackParameters(raw), { service, stage });
  }
  return cached;
};
