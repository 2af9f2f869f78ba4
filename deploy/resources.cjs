// Glue between serverless.yml and the TypeScript stack definition: the framework calls this with
// its variable resolver; tsx loads deploy/stack/ so the definitions stay typed and tested.
const { require: tsxRequire } = require('tsx/cjs/api');

const { DEFAULT_STACK_PARAMETERS, parseStackParameters } = tsxRequire(
  '../shared/monitoring/parameters.ts',
  __filename,
);
const { givenParameterNames, packageErrorLine, withStackDefaults } = tsxRequire(
  './given-parameters.ts',
  __filename,
);
const { buildStack } = tsxRequire('./stack/index.ts', __filename);

let cached;
// What the stack was built from, for the template check once the framework has compiled it.
let given;

async function build({ options, resolveConfigurationProperty, resolveVariable }) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  // Every name given, not only the known ones: parseStackParameters refuses a misspelt name with
  // the closest known one, where asking the framework for known names only would ignore it.
  const names = new Set([
    ...Object.keys(DEFAULT_STACK_PARAMETERS),
    ...givenParameterNames(options.param, await resolveConfigurationProperty(['params']), stage),
  ]);
  const raw = {};
  for (const name of names) raw[name] = await resolveVariable(`param:${name}, null`);
  const params = parseStackParameters(withStackDefaults(raw, { service, stage }));
  given = { params, ctx: { service, stage } };
  return buildStack(params, given.ctx);
}

/** The one line for a package-time error we expect, then exit 1; anything else keeps its stack trace. */
function refuse(error) {
  const line = packageErrorLine(error);
  if (!line) throw error;
  // A wrong parameter is the user's to fix, not a crash: one line, not the framework's
  // stack trace repeated for every variable that reads this file.
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

module.exports = async (framework) => {
  if (!cached) {
    try {
      cached = await build(framework);
    } catch (error) {
      refuse(error);
    }
  }
  return cached;
};

/** The parameters and stage the stack was built from (deploy/limits-plugin.cjs). */
module.exports.given = () => given;
module.exports.refuse = refuse;
