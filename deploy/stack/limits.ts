/**
 * AWS limits a template can break long after `serverless package` succeeds: checked while packaging,
 * each with one line naming what to change. Function names and environments are checked in
 * buildStack; the whole template (resources and size) once the framework has compiled it
 * (deploy/limits-plugin.cjs).
 */
import { parseStackParameters, type StackParameters } from '../../shared/monitoring/parameters';
import { FUNCTION_KEYS, type FunctionKey, functionName, type StackContext } from './names';

/** Lambda: a function name is 1 to 64 characters. */
export const FUNCTION_NAME_MAX = 64;
/** Lambda: all of a function's environment variables, keys and values, at most 4 KB. */
export const ENVIRONMENT_MAX_BYTES = 4096;
/** CloudFormation: at most 500 resources per stack. */
export const RESOURCES_MAX = 500;
/**
 * CloudFormation: a template given by S3 URL, as `serverless deploy` uploads it (minified JSON), is
 * at most 1 MB: "The URL must point to a template (max size: 1 MB) that is located in an Amazon S3
 * bucket" (CloudFormation API reference, TemplateURL of CreateStack, UpdateStack, CreateChangeSet;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html). cfn-lint's
 * E1002 counts 1 MB as 1,000,000 bytes, the stricter reading, which is the one taken here.
 */
export const TEMPLATE_MAX_BYTES = 1_000_000;

/** A stack AWS would refuse: the one line says which setting to change. */
export class StackLimitError extends Error {
  override readonly name = 'StackLimitError';
}

/**
 * Refuses a stage that makes any function's name longer than Lambda allows; the longest stage that
 * fits follows from the longest name the stack builds.
 * @throws StackLimitError naming the stage and the longest stage that fits.
 */
export function checkFunctionNames(ctx: StackContext): void {
  const names = FUNCTION_KEYS.map((key) => functionName(ctx, key));
  const longest = names.reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length <= FUNCTION_NAME_MAX) return;
  const maxStage = FUNCTION_NAME_MAX - (longest.length - ctx.stage.length);
  throw new StackLimitError(
    `stage "${ctx.stage}" makes the function name "${longest}" ${longest.length} characters, over Lambda's ${FUNCTION_NAME_MAX}: use a stage of at most ${maxStage} characters`,
  );
}

/** What Lambda counts against the 4 KB: every key and value, in bytes. */
export const environmentBytes = (env: Readonly<Record<string, string>>) =>
  Object.entries(env).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/**
 * The given parameter whose default would shrink `measure` the most, and by how much: the one to
 * trim. A parameter whose default does not build (it is needed by another) is skipped.
 */
export function largestContributor(
  params: StackParameters,
  measure: (p: StackParameters) => number,
): { name: keyof StackParameters; saves: number } | undefined {
  const defaults = parseStackParameters({});
  const full = measure(params);
  let best: { name: keyof StackParameters; saves: number } | undefined;
  for (const name of Object.keys(params) as (keyof StackParameters)[]) {
    if (JSON.stringify(params[name]) === JSON.stringify(defaults[name])) continue;
    let saves: number;
    try {
      saves = full - measure({ ...params, [name]: defaults[name] });
    } catch {
      continue;
    }
    if (saves > 0 && (!best || saves > best.saves)) best = { name, saves };
  }
  return best;
}

/**
 * Refuses an environment over Lambda's 4 KB, naming the function and the parameter that makes it big.
 * @throws StackLimitError
 */
export function checkEnvironments(
  environments: Readonly<Record<FunctionKey, Record<string, string>>>,
  params: StackParameters,
  rebuild: (p: StackParameters) => Readonly<Record<FunctionKey, Record<string, string>>>,
): void {
  for (const key of FUNCTION_KEYS) {
    const bytes = environmentBytes(environments[key]);
    if (bytes <= ENVIRONMENT_MAX_BYTES) continue;
    const culprit = largestContributor(params, (p) => environmentBytes(rebuild(p)[key]));
    const trim = culprit ? `; ${culprit.name} adds ${culprit.saves} bytes: shorten it` : '';
    throw new StackLimitError(
      `the ${key} function's environment would be ${bytes} bytes (keys and values), over Lambda's ${ENVIRONMENT_MAX_BYTES}${trim}`,
    );
  }
}

interface Measured {
  Resources: Readonly<Record<string, unknown>>;
}

/**
 * How many resources a template declares, and its size as the package writes it: indented by 2
 * unless `--minify-template`. `serverless deploy` uploads it minified, but cfn-lint (E1002) and any
 * other tool reads the written file, so the larger size is the one held to the limit.
 */
export const templateFigures = (template: Measured, indent = 2) => ({
  resources: Object.keys(template.Resources).length,
  bytes: Buffer.byteLength(JSON.stringify(template, null, indent)),
});

/**
 * Refuses a compiled template over CloudFormation's resource count or size, naming the parameter
 * whose default would shrink it most (measured on the stack's own resources, which are what the
 * parameters change).
 * @throws StackLimitError
 */
export function checkTemplate(
  template: Measured,
  params: StackParameters,
  rebuild: (p: StackParameters) => Measured,
  indent = 2,
): void {
  const { resources, bytes } = templateFigures(template, indent);
  const over =
    resources > RESOURCES_MAX
      ? { what: `${resources} resources, over CloudFormation's ${RESOURCES_MAX}`, unit: 'resources' }
      : bytes > TEMPLATE_MAX_BYTES
        ? { what: `${bytes} bytes, over CloudFormation's ${TEMPLATE_MAX_BYTES}`, unit: 'bytes' }
        : undefined;
  if (!over) return;
  const measure = (p: StackParameters) => {
    const figures = templateFigures(rebuild(p), indent);
    return over.unit === 'resources' ? figures.resources : figures.bytes;
  };
  const culprit = largestContributor(params, measure);
  const trim = culprit ? `; ${culprit.name} adds ${culprit.saves} ${over.unit}: trim it` : '';
  throw new StackLimitError(`the template would have ${over.what}${trim}`);
}
