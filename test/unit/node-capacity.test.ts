import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { MaxPodsSettings } from '#core/capacity/max-pods.ts';
import {
  type AttachedEni,
  computeNodeCapacity,
  evaluateNodeCapacity,
  NodeCapacityInputError,
  type NodeCapacityThresholds,
} from '#core/capacity/node-capacity.ts';
import { t3Medium } from '#test/helpers/instance-types.ts';

const secondaryIp: MaxPodsSettings = { prefixDelegation: false, customNetworking: false };
const thresholds: NodeCapacityThresholds = {
  minFreeSlots: 2,
  minFreePercent: 0,
  clearMarginSlots: 2,
};

function eni(index: number, secondaryIpv4Count: number, prefixCount = 0): AttachedEni {
  return { eniId: `eni-${index}`, primary: index === 0, secondaryIpv4Count, prefixCount };
}

function capacityOf(enis: AttachedEni[], settings = secondaryIp, limits = t3Medium) {
  return computeNodeCapacity({ nodeId: 'i-0abc', cluster: 'prod', limits, settings, enis });
}

describe('computeNodeCapacity', () => {
  test('a full t3.medium: 3/3 ENIs, 15/15 secondary IPs, no headroom', () => {
    // Act
    const capacity = capacityOf([eni(0, 5), eni(1, 5), eni(2, 5)]);

    // Assess
    expect(capacity).toMatchObject({
      enisAttached: 3,
      eniLimit: 3,
      slotsInUse: 15,
      slotCapacity: 15,
      freeSlots: 0,
      headroom: 0,
      mode: 'secondary-ip',
    });
    expect(capacity.maxPods.maxAllowed).toBe(17);
  });

  test('under custom networking the primary ENI holds no pod slots', () => {
    // Prepare: the node's own subnet still gives the primary ENI secondaries (warm pool of
    // a previous config); they must not count as pod capacity.
    const enis = [eni(0, 5), eni(1, 3)];

    // Act
    const capacity = capacityOf(enis, { ...secondaryIp, customNetworking: true });

    // Assess: two pod ENIs x 5 slots
    expect(capacity.slotCapacity).toBe(10);
    expect(capacity.slotsInUse).toBe(3);
    expect(capacity.headroom).toBe(7);
  });

  test('with prefix delegation each free slot is a /28 of 16 pod addresses', () => {
    // Act
    const capacity = capacityOf([eni(0, 0, 4)], { ...secondaryIp, prefixDelegation: true });

    // Assess
    expect(capacity.mode).toBe('prefix-delegation');
    expect(capacity.slotCapacity).toBe(15);
    expect(capacity.slotsInUse).toBe(4);
    expect(capacity.headroom).toBe(11 * 16);
  });

  test('ENIs on another network card (EFA) are not pod ENIs', () => {
    // Prepare
    const limits = { ...t3Medium, enisOnDefaultCard: 2, enisTotal: 4 };
    const enis = [eni(0, 5), eni(1, 5), { ...eni(2, 5), networkCardIndex: 1 }];

    // Act
    const capacity = capacityOf(enis, secondaryIp, limits);

    // Assess
    expect(capacity.enisAttached).toBe(2);
    expect(capacity.slotsInUse).toBe(10);
  });

  test('rejects a negative address count, naming the ENI', () => {
    // Act
    const act = () => capacityOf([eni(0, -1)]);

    // Assess
    expect(act).toThrow(NodeCapacityInputError);
    expect(act).toThrow('eni-0.secondaryIpv4Count');
  });

  test('property: max allowed = slot capacity x addresses per slot + 2 host-network pods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 2, max: 50 }),
        fc.boolean(),
        fc.boolean(),
        (enis, ipv4PerEni, prefixDelegation, customNetworking) => {
          const limits = { ...t3Medium, enisOnDefaultCard: enis, ipv4PerEni };
          const capacity = capacityOf([], { prefixDelegation, customNetworking }, limits);
          const perSlot = prefixDelegation ? 16 : 1;
          expect(capacity.maxPods.maxAllowed).toBe(capacity.slotCapacity * perSlot + 2);
          expect(capacity.headroom).toBe(capacity.slotCapacity * perSlot);
        },
      ),
    );
  });
});

describe('evaluateNodeCapacity', () => {
  test('a full node alerts with the numbers in the summary', () => {
    // Prepare
    const capacity = capacityOf([eni(0, 5), eni(1, 5), eni(2, 5)]);

    // Act
    const alert = evaluateNodeCapacity(capacity, thresholds, false);

    // Assess
    expect(alert).toMatchObject({
      kind: 'node-pod-capacity',
      subject: 'i-0abc',
      cluster: 'prod',
      active: true,
      severity: 'critical',
    });
    expect(alert.summary).toBe(
      't3.medium: 3/3 ENIs, 15/15 secondary IPs; pods beyond 17 will stay Pending',
    );
  });

  test('a node with an attachable ENI left never alerts, however full its ENIs are', () => {
    // Prepare
    const capacity = capacityOf([eni(0, 5), eni(1, 5)]);

    // Act
    const fresh = evaluateNodeCapacity(capacity, thresholds, false);
    const open = evaluateNodeCapacity(capacity, thresholds, true);

    // Assess
    expect(fresh.active).toBe(false);
    expect(open.active).toBe(false);
  });

  // t3.medium, 3 ENIs attached, capacity 15 slots; threshold 2 free, margin 2: opens below
  // 2 free, and once open stays open until more than 4 are free.
  test.each([
    [15, false, true],
    [14, false, true],
    [13, false, false],
    [13, true, true],
    [11, true, true],
    [10, true, false],
    [10, false, false],
  ])('%i slots used, wasOpen=%s -> active=%s', (used, wasOpen, expected) => {
    // Prepare
    const capacity = capacityOf([eni(0, 5), eni(1, 5), eni(2, used - 10)]);

    // Act
    const alert = evaluateNodeCapacity(capacity, thresholds, wasOpen);

    // Assess
    expect(alert.active).toBe(expected);
  });

  test('the percentage threshold applies when it is the stricter one', () => {
    // Prepare: 4 of 15 free = 26.7 %
    const capacity = capacityOf([eni(0, 5), eni(1, 5), eni(2, 1)]);

    // Act
    const at30 = evaluateNodeCapacity(capacity, { ...thresholds, minFreePercent: 30 }, false);
    const at20 = evaluateNodeCapacity(capacity, { ...thresholds, minFreePercent: 20 }, false);

    // Assess
    expect(at30.active).toBe(true);
    expect(at30.severity).toBe('warning');
    expect(at20.active).toBe(false);
  });

  test('a cleared condition says how much room is left', () => {
    // Prepare
    const capacity = capacityOf([eni(0, 5), eni(1, 2)]);

    // Act
    const alert = evaluateNodeCapacity(capacity, thresholds, true);

    // Assess
    expect(alert.active).toBe(false);
    expect(alert.summary).toContain('2/3 ENIs, 7/15 secondary IPs');
    expect(alert.summary).toContain('room for 8 more pod addresses');
  });

  test('prefix mode speaks of /28 prefixes', () => {
    // Prepare
    const capacity = capacityOf([eni(0, 0, 5), eni(1, 0, 5), eni(2, 0, 5)], {
      ...secondaryIp,
      prefixDelegation: true,
    });

    // Act
    const alert = evaluateNodeCapacity(capacity, thresholds, false);

    // Assess
    expect(alert.summary).toMatch(/^t3\.medium: 3\/3 ENIs, 15\/15 \/28 prefixes; /);
  });

  // EKS AMIs give the kubelet the recommended max-pods (110 or 250), which is the real ceiling
  // once the addresses allow more (prefix delegation, large types).
  test.each([
    ['t3.medium, secondary IPs: addresses are the limit', t3Medium, secondaryIp, 17, 17],
    [
      't3.medium, prefix delegation: the kubelet is the limit',
      t3Medium,
      { ...secondaryIp, prefixDelegation: true },
      110,
      242,
    ],
    [
      'm5.large, prefix delegation: the kubelet is the limit',
      { ...t3Medium, instanceType: 'm5.large', ipv4PerEni: 10 },
      { ...secondaryIp, prefixDelegation: true },
      110,
      434,
    ],
  ])('%s', (_title, limits, settings, ceiling, allowed) => {
    // Prepare: every ENI attached and every slot taken
    const perEni = limits.ipv4PerEni - 1;
    const full = [0, 1, 2].map((i) =>
      settings.prefixDelegation ? eni(i, 0, perEni) : eni(i, perEni),
    );
    const capacity = capacityOf(full, settings, limits);

    // Act
    const alert = evaluateNodeCapacity(capacity, thresholds, false);

    // Assess
    expect(alert.active).toBe(true);
    expect(alert.summary).toContain(`pods beyond ${ceiling} will stay Pending`);
    if (allowed === ceiling) expect(alert.summary).not.toMatch(/allow/);
    else expect(alert.summary).toContain(`${allowed}`);
    expect(alert.facts).toMatchObject({ maxPods: ceiling, maxPodsAllowed: allowed });
  });

  test('rejects a negative threshold', () => {
    // Act
    const act = () =>
      evaluateNodeCapacity(capacityOf([]), { ...thresholds, clearMarginSlots: -1 }, false);

    // Assess
    expect(act).toThrow(NodeCapacityInputError);
  });

  test('property: hysteresis never clears an open alert that a fresh evaluation would open', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 5 }),
        (counts, minFreeSlots, minFreePercent, clearMarginSlots) => {
          const capacity = capacityOf(counts.map((n, i) => eni(i, n)));
          const t = { minFreeSlots, minFreePercent, clearMarginSlots };
          const fresh = evaluateNodeCapacity(capacity, t, false);
          const open = evaluateNodeCapacity(capacity, t, true);
          if (fresh.active) expect(open.active).toBe(true);
        },
      ),
    );
  });
});
