import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  CLUSTER_NAME,
  flag,
  intWithDefault,
  listOrAll,
  listOrNone,
  nameValueMap,
  Problem,
  parseEnv,
} from '#shared/env-parsers.ts';
import { ConfigError } from '#shared/errors.ts';

const Schema = z.object({
  CLUSTERS: listOrAll('cluster name', CLUSTER_NAME),
  EXTRA: listOrNone('cluster name', CLUSTER_NAME),
  LIMITS: nameValueMap({
    name: 'cluster',
    pattern: CLUSTER_NAME,
    shape: 'cluster=N',
    value: (text) => {
      const n = Number(text);
      if (!/^\d+$/.test(text)) return undefined;
      return n <= 10 ? n : new Problem(`${n} is more than 10`);
    },
  }),
  COUNT: intWithDefault(3, 1),
  ON: flag(),
});
const parse = (env: Record<string, string | undefined>) =>
  parseEnv(Schema, { CLUSTERS: 'all', ...env });

describe('env parsers', () => {
  test.each([
    { env: {}, expected: { CLUSTERS: 'all', EXTRA: [], LIMITS: {}, COUNT: 3, ON: false } },
    {
      env: { CLUSTERS: ' a, b ', EXTRA: 'all', LIMITS: 'a=1, b = 2', COUNT: '7', ON: 'true' },
      expected: { CLUSTERS: ['a', 'b'], EXTRA: 'all', LIMITS: { a: 1, b: 2 }, COUNT: 7, ON: true },
    },
    // A name that spells the problem field is still just a name.
    { env: { LIMITS: 'problem=4' }, expected: { LIMITS: { problem: 4 } } },
  ])('$env reads as $expected', ({ env, expected }) => {
    expect(parse(env)).toMatchObject(expected);
  });

  test.each([
    {
      env: { CLUSTERS: undefined },
      message: 'CLUSTERS: is required ("all" or a comma-separated list)',
    },
    { env: { CLUSTERS: 'a,' }, message: 'CLUSTERS: "" is not a valid cluster name' },
    { env: { EXTRA: 'a b' }, message: 'EXTRA: "a b" is not a valid cluster name' },
    { env: { LIMITS: 'a' }, message: 'LIMITS: "a" is not cluster=N' },
    { env: { LIMITS: 'a=x' }, message: 'LIMITS: "a=x" is not cluster=N' },
    { env: { LIMITS: 'a=11' }, message: 'LIMITS: "a=11": 11 is more than 10' },
    { env: { LIMITS: 'a=1,a=2' }, message: 'LIMITS: cluster a is listed twice' },
    { env: { ON: 'yes' }, message: 'ON: must be "true" or "false"' },
  ])('$env fails as one line naming the variable', ({ env, message }) => {
    expect(() => parse(env)).toThrow(ConfigError);
    expect(() => parse(env)).toThrow(message);
  });

  test('COUNT under its minimum names the variable', () => {
    expect(() => parse({ COUNT: '0' })).toThrow(/^COUNT: /);
  });
});
