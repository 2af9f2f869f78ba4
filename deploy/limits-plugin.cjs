// A local Serverless plugin: once the framework has compiled the whole template (its functions,
// log groups and schedules, and our resources), refuse one CloudFormation would not take, with one
// line, before it is written. The checks are in deploy/stack/limits.ts.
const { require: tsxRequire } = require('tsx/cjs/api');

const { checkTemplate } = tsxRequire('./stack/limits.ts', __filename);
const { buildStack } = tsxRequire('./stack/index.ts', __filename);
const resources = require('./resources.cjs');

class TemplateLimits {
  constructor(serverless, options) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        const given = resources.given();
        if (!given) return;
        try {
          checkTemplate(
            serverless.service.provider.compiledCloudFormationTemplate,
            given.params,
            (p) => buildStack(p, given.ctx),
            options['minify-template'] ? 0 : 2,
          );
        } catch (error) {
          resources.refuse(error);
        }
      },
    };
  }
}

module.exports = TemplateLimits;
