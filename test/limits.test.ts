import { describe, expect, it } from 'vitest';
import {
  checkEnvironments,
  checkFunctionNames,
  checkTemplate,
  ENVIRONMENT_MAX_BYTES,
  environmentBytes,
  FUNCTION_NAME_MAX,
  largestContributor,
  RESOURCES_MAX,
  StackLimitError,
  TEMPLATE_MAX_BYTES,
} from '../deploy/stack/limits';
import { FUNCTION_KEYS, type FunctionKey } from '../deploy/stack/names';
import { parseStackParameters } from '../shared/monitoring/parameters';

const SERVICE = 'bedrock-watch';
const longestKey = Math.max(...FUNCTION_KEYS.map((k) => k.length));
// `<service>-<stage>-<key>`: the stage gets what the longest key and two dashes leave.
const maxStage = FUNCTION_NAME_MAX - SERVICE.length - 2 - longestKey;

describe('package-time limits', () => {
  it('takes the longest stage that keeps every function name within 64 characters, and no longer', () => {
    expect(() => checkFunctionNames({ service: SERVICE, stage: 'a'.repeat(maxStage) })).not.toThrow();
    expect(() => checkFunctionNames({ service: SERVICE, stage: 'a'.repeat(maxStage + 1) })).toThrow(
      new StackLimitError(
        `stage "${'a'.repeat(maxStage + 1)}" makes the function name "${SERVICE}-${'a'.repeat(maxStage + 1)}-failoverSwitch" 65 characters, over Lambda's 64: use a stage of at most ${maxStage} characters`,
      ),
    );
  });

  it('counts an environment as Lambda does: every key and value, in bytes', () => {
    expect(environmentBytes({ AB: 'cd', E: 'é' })).toBe(2 + 2 + 1 + 2);
  });

  it('names the function over 4 KB and the parameter whose default shrinks it most', () => {
    const params = parseStackParameters({ configJson: '{}', logLevel: 'DEBUG' });
    const env = (p: typeof params) =>
      Object.fromEntries(
        FUNCTION_KEYS.map((k) => [
          k,
          k === 'reconcile' ? { A: p.configJson.repeat(2100), L: p.logLevel } : {},
        ]),
      ) as Record<FunctionKey, Record<string, string>>;

    expect(() => checkEnvironments(env(params), params, env)).toThrow(
      `the reconcile function's environment would be ${1 + 4200 + 1 + 5} bytes (keys and values), over Lambda's ${ENVIRONMENT_MAX_BYTES}; configJson adds 4200 bytes: shorten it`,
    );
  });

  it('refuses a template over 500 resources or over 1 MB, naming the parameter to trim', () => {
    const params = parseStackParameters({ watchedModels: 'anthropic.claude-3-haiku-20240307-v1:0' });
    const template = (count: number, pad = 0) => ({
      Resources: Object.fromEntries(Array.from({ length: count }, (_, i) => [`R${i}`, { Type: 'x' }])),
      Padding: 'p'.repeat(pad),
    });
    const rebuild = (p: typeof params) => template(p.watchedModels.length * 10);

    expect(() => checkTemplate(template(RESOURCES_MAX), params, rebuild)).not.toThrow();
    expect(() => checkTemplate(template(RESOURCES_MAX + 1), params, rebuild)).toThrow(
      "the template would have 501 resources, over CloudFormation's 500; watchedModels adds 10 resources: trim it",
    );
    expect(() => checkTemplate(template(1, TEMPLATE_MAX_BYTES), params, rebuild)).toThrow(
      /^the template would have \d+ bytes, over CloudFormation's 1000000; watchedModels adds \d+ bytes: trim it$/,
    );
  });

  it('skips a parameter whose default would not build, and one left at its default', () => {
    const params = parseStackParameters({ configJson: '{}', logLevel: 'DEBUG' });
    const measure = (p: typeof params) => {
      if (p.logLevel !== 'DEBUG') throw new Error('needed');
      return p.configJson.length;
    };

    expect(largestContributor(params, measure)).toEqual({ name: 'configJson', saves: 2 });
    expect(largestContributor(parseStackParameters({}), () => 1)).toBeUndefined();
  });
});
