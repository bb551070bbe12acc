import { describe, expect, test } from 'vitest';
import { loadConfig } from '#shared/config.ts';
import { ConfigError } from '#shared/errors.ts';

const VALID = { TABLE_NAME: 'ledger', CLUSTERS: 'myeks,other', VPC_IDS: 'vpc-0a1b2c3d4e5f60718' };

describe('loadConfig', () => {
  test('reads scope lists and keeps documented defaults for thresholds', () => {
    const config = loadConfig(VALID);
    expect(config.tableName).toBe('ledger');
    expect(config.scope).toEqual({
      clusters: ['myeks', 'other'],
      vpcIds: ['vpc-0a1b2c3d4e5f60718'],
    });
  });

  test('"all" means every cluster or VPC', () => {
    expect(loadConfig({ ...VALID, CLUSTERS: 'all', VPC_IDS: 'all' }).scope).toEqual({
      clusters: 'all',
      vpcIds: 'all',
    });
  });

  test.each([
    [{ ...VALID, TABLE_NAME: undefined }, /^TABLE_NAME: /],
    [{ ...VALID, CLUSTERS: undefined }, /^CLUSTERS: is required/],
    [{ ...VALID, CLUSTERS: 'myeks,' }, /^CLUSTERS: "" is not a valid cluster name/],
    [{ ...VALID, VPC_IDS: 'vpc-xyz' }, /^VPC_IDS: "vpc-xyz" is not a valid VPC id/],
    [{ ...VALID, ALERT_TOPIC_ARN: 'topic' }, /^ALERT_TOPIC_ARN: is not an SNS topic ARN/],
    [{ ...VALID, NODE_MIN_FREE_SLOTS: '-1' }, /^NODE_MIN_FREE_SLOTS: /],
  ])('fails fast naming the variable (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
