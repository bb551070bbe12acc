import { describe, expect, test } from 'vitest';
import { loadTargetSettings } from '#shared/target-config.ts';

describe('loadTargetSettings reads the deregistration-delay policy from the environment', () => {
  test('defaults: AWS default delay, no overrides, remediation off', () => {
    // Act
    const settings = loadTargetSettings({});
    // Assess
    expect(settings).toEqual({
      delayPolicy: { default: 300, perCluster: {}, perStack: {} },
      remediate: false,
    });
  });

  test('reads every variable', () => {
    // Act
    const settings = loadTargetSettings({
      DEREGISTRATION_DELAY_DEFAULT: '60',
      DEREGISTRATION_DELAY_CLUSTERS: 'myeks=30, prod-eks = 120',
      DEREGISTRATION_DELAY_STACKS: 'default/echo=15,shop/web=0',
      DRIFT_REMEDIATE: 'true',
    });
    // Assess
    expect(settings).toEqual({
      delayPolicy: {
        default: 60,
        perCluster: { myeks: 30, 'prod-eks': 120 },
        perStack: { 'default/echo': 15, 'shop/web': 0 },
      },
      remediate: true,
    });
  });

  test.each([
    ['DEREGISTRATION_DELAY_DEFAULT', 'soon', /^DEREGISTRATION_DELAY_DEFAULT: .*not a whole number/],
    ['DEREGISTRATION_DELAY_DEFAULT', '3601', /^DEREGISTRATION_DELAY_DEFAULT: .*above 3600/],
    [
      'DEREGISTRATION_DELAY_CLUSTERS',
      'myeks',
      /^DEREGISTRATION_DELAY_CLUSTERS: "myeks" is not cluster=seconds/,
    ],
    [
      'DEREGISTRATION_DELAY_CLUSTERS',
      'a=1,a=2',
      /^DEREGISTRATION_DELAY_CLUSTERS: cluster a is listed twice/,
    ],
    [
      'DEREGISTRATION_DELAY_STACKS',
      'echo=60',
      /^DEREGISTRATION_DELAY_STACKS: "echo=60" is not namespace\/name=seconds/,
    ],
    [
      'DEREGISTRATION_DELAY_STACKS',
      'default/echo=-1',
      /^DEREGISTRATION_DELAY_STACKS: .*not a whole number/,
    ],
    ['DRIFT_REMEDIATE', 'yes', /^DRIFT_REMEDIATE: must be "true" or "false"/],
  ])('%s=%s is rejected in one line naming the variable', (name, value, message) => {
    // Act / Assess
    expect(() => loadTargetSettings({ [name]: value })).toThrow(message);
  });
});
