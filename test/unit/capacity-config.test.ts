import { describe, expect, test } from 'vitest';
import { clusterSettings } from '#core/capacity/capacity-settings.ts';
import { loadCapacitySettings, loadConfig } from '#shared/config.ts';
import { ConfigError } from '#shared/errors.ts';

describe('loadCapacitySettings', () => {
  test('with nothing set, no cluster uses prefix delegation, custom networking or MAX_ENI', () => {
    // Act
    const settings = loadCapacitySettings({});

    // Assess
    expect(settings.clusters).toEqual({ prefixDelegation: [], customNetworking: [], maxEnis: {} });
    expect(clusterSettings(settings.clusters, 'myeks')).toEqual({
      prefixDelegation: false,
      customNetworking: false,
    });
  });

  test('per-cluster modes and MAX_ENIS become each cluster’s max-pods settings', () => {
    // Prepare
    const env = {
      PREFIX_DELEGATION_CLUSTERS: 'prod, staging',
      CUSTOM_NETWORKING_CLUSTERS: 'all',
      MAX_ENIS: 'prod=4, staging = 2',
    };

    // Act
    const { clusters } = loadCapacitySettings(env);

    // Assess
    expect(clusterSettings(clusters, 'prod')).toEqual({
      prefixDelegation: true,
      customNetworking: true,
      maxEnis: 4,
    });
    expect(clusterSettings(clusters, 'staging')).toMatchObject({ maxEnis: 2 });
    expect(clusterSettings(clusters, 'dev')).toEqual({
      prefixDelegation: false,
      customNetworking: true,
    });
    expect(clusterSettings(clusters, undefined)).toEqual({
      prefixDelegation: false,
      customNetworking: true,
    });
  });

  test('thresholds, clear margins and the alert policy are read as numbers', () => {
    // Act
    const settings = loadCapacitySettings({
      NODE_MIN_FREE_SLOTS: '5',
      NODE_CLEAR_MARGIN_SLOTS: '4',
      SUBNET_CLEAR_MARGIN_ADDRESSES: '32',
      SUBNET_CLEAR_MARGIN_PREFIX_BLOCKS: '2',
      ALERT_REMIND_AFTER_SECONDS: '600',
      ALERT_REOPEN_QUIET_SECONDS: '120',
    });

    // Assess
    expect(settings.thresholds.node).toMatchObject({ minFreeSlots: 5, clearMarginSlots: 4 });
    expect(settings.thresholds.subnetExhaustion.clearMarginAddresses).toBe(32);
    expect(settings.thresholds.subnetFragmentation.clearMarginBlocks).toBe(2);
    expect(settings.alertPolicy).toEqual({ remindAfterSeconds: 600, reopenQuietSeconds: 120 });
  });

  test.each([
    [{ MAX_ENIS: 'prod' }, /^MAX_ENIS: "prod" is not cluster=N/],
    [{ MAX_ENIS: 'prod=0' }, /^MAX_ENIS: "prod=0" is not cluster=N/],
    [{ MAX_ENIS: 'prod=2,prod=3' }, /^MAX_ENIS: cluster prod is listed twice/],
    [
      { PREFIX_DELEGATION_CLUSTERS: 'prod,' },
      /^PREFIX_DELEGATION_CLUSTERS: "" is not a valid cluster name/,
    ],
    [{ CUSTOM_NETWORKING_CLUSTERS: 'bad name' }, /^CUSTOM_NETWORKING_CLUSTERS: /],
    [{ NODE_CLEAR_MARGIN_SLOTS: '-1' }, /^NODE_CLEAR_MARGIN_SLOTS: /],
    [{ ALERT_REMIND_AFTER_SECONDS: '10' }, /^ALERT_REMIND_AFTER_SECONDS: /],
    [{ SWEEP_SCHEDULE: 'every 10 minutes' }, /^SWEEP_SCHEDULE: "every 10 minutes" is not an/],
    [{ SWEEP_SCHEDULE: 'rate(0 minutes)' }, /^SWEEP_SCHEDULE: "rate\(0 minutes\)" is not an/],
    [{ SWEEP_SCHEDULE: 'rate(10 weeks)' }, /^SWEEP_SCHEDULE: /],
  ])('fails with one line naming the variable (%#)', (env, message) => {
    expect(() => loadCapacitySettings(env)).toThrow(ConfigError);
    expect(() => loadCapacitySettings(env)).toThrow(message);
  });

  test.each([
    ['rate(10 minutes)', 600_000],
    ['rate(1 minute)', 60_000],
    [' rate(2 hours) ', 7_200_000],
    ['rate(1 day)', 86_400_000],
    ['cron(0/10 * * * ? *)', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('SWEEP_SCHEDULE %j: usage held between sweeps %j ms apart', (schedule, everyMs) => {
    expect(loadCapacitySettings({ SWEEP_SCHEDULE: schedule }).sweepEveryMs).toBe(everyMs);
  });

  test('loadConfig carries the same capacity settings and fails on them too', () => {
    // Prepare
    const base = { TABLE_NAME: 't', CLUSTERS: 'all', VPC_IDS: 'all' };

    // Act / Assess
    expect(loadConfig({ ...base, MAX_ENIS: 'a=3' }).capacity.clusters.maxEnis).toEqual({ a: 3 });
    expect(() => loadConfig({ ...base, MAX_ENIS: 'a' })).toThrow(/^MAX_ENIS: /);
  });
});
