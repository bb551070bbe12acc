import { expect, test } from 'vitest';
import { MemoryUsageHistory } from '#adapters/memory/memory-usage-history.ts';
import type { SubnetWithUsage, UsageHistory } from '#core/capacity/capacity-ports.ts';
import { reviewCapacity } from '#core/capacity/review-capacity.ts';
import {
  InMemoryAlertStore,
  InMemoryCapacityLedger,
  RecordingNotifier,
  StaticInstanceTypeCatalog,
} from '#test/helpers/capacity-fakes.ts';
import { at, limits, SUBNET, settings, subnetView } from '#test/helpers/review-capacity-world.ts';

// A usage history kept beside the subnet's view (DynamoDB: the subnet's GSI2 partition) answers
// both in one read: the review then reads each subnet once, and decides exactly as it does
// reading the view and the samples apart.

const forecasting = {
  ...settings,
  thresholds: {
    ...settings.thresholds,
    subnetExhaustion: { ...settings.thresholds.subnetExhaustion, forecastHorizonHours: 48 },
  },
};

/** 10.0.0.0/26: 59 usable; 20 used now, after climbing 2 an hour (exhausted in about 20 h). */
const used = Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}`);

async function historyOfClimb(): Promise<MemoryUsageHistory> {
  const history = new MemoryUsageHistory();
  for (let h = 8; h >= 1; h--) {
    const sample = { at: at(-h * 3600), used: 20 - 2 * h, capacity: 59 };
    await history.record({ kind: 'subnet', subject: SUBNET, ...sample });
  }
  return history;
}

/** Counts what the review asks of the ledger and the history. */
function counted(ledger: InMemoryCapacityLedger, history: UsageHistory, together: boolean) {
  const asked: string[] = [];
  const countedLedger = {
    nodeView: (id: string) => ledger.nodeView(id),
    subnetView: (id: string) => {
      asked.push(`subnetView ${id}`);
      return ledger.subnetView(id);
    },
  };
  const usage: UsageHistory = {
    record: (s) => history.record(s),
    recent: (kind, subject, since) => {
      asked.push(`recent ${subject}`);
      return history.recent(kind, subject, since);
    },
    ...(together
      ? {
          subnetWithUsage: async (id: string, since: string): Promise<SubnetWithUsage> => {
            asked.push(`subnetWithUsage ${id}`);
            return {
              view: await ledger.subnetView(id),
              usage: await history.recent('subnet', id, since),
            };
          },
        }
      : {}),
  };
  return { asked, ledger: countedLedger, usage };
}

test.each([
  { together: false, reads: [`subnetView ${SUBNET}`, `recent ${SUBNET}`] },
  { together: true, reads: [`subnetWithUsage ${SUBNET}`] },
])('samples kept beside the view: $together, reads $reads', async ({ together, reads }) => {
  // Prepare
  const ledger = new InMemoryCapacityLedger();
  ledger.subnets.set(SUBNET, subnetView('10.0.0.0/26', used));
  const { asked, ...ports } = counted(ledger, await historyOfClimb(), together);
  const notifier = new RecordingNotifier();

  // Act
  const review = await reviewCapacity(
    { nodes: [], subnets: [SUBNET] },
    {
      ...ports,
      alerts: new InMemoryAlertStore(),
      catalog: new StaticInstanceTypeCatalog(limits),
      notifier,
      settings: forecasting,
      now: at(0),
    },
  );

  // Assess: the forecast opens the alert either way, from one read or two
  expect(asked).toStrictEqual(reads);
  const exhaustion = review.alerts.find((a) => a.kind === 'subnet-exhaustion');
  expect(exhaustion).toMatchObject({ outcome: 'opened' });
  expect(notifier.sent.map((n) => n.summary)).toStrictEqual([
    expect.stringMatching(/runs out in about 20 h/),
  ]);
});

test('without a forecast wanted, the view is read alone even where samples sit beside it', async () => {
  const ledger = new InMemoryCapacityLedger();
  ledger.subnets.set(SUBNET, subnetView('10.0.0.0/26', used));
  const { asked, ...ports } = counted(ledger, await historyOfClimb(), true);

  await reviewCapacity(
    { nodes: [], subnets: [SUBNET] },
    {
      ...ports,
      alerts: new InMemoryAlertStore(),
      catalog: new StaticInstanceTypeCatalog(limits),
      notifier: new RecordingNotifier(),
      settings,
      now: at(0),
    },
  );

  expect(asked).toStrictEqual([`subnetView ${SUBNET}`]);
});

test('with a forecast wanted but no usage history, the view is read alone and nothing is forecast', async () => {
  const ledger = new InMemoryCapacityLedger();
  ledger.subnets.set(SUBNET, subnetView('10.0.0.0/26', used));

  const review = await reviewCapacity(
    { nodes: [], subnets: [SUBNET] },
    {
      ledger,
      alerts: new InMemoryAlertStore(),
      catalog: new StaticInstanceTypeCatalog(limits),
      notifier: new RecordingNotifier(),
      settings: forecasting,
      now: at(0),
    },
  );

  // 39 of 59 free: above every threshold, and no trend to forecast from.
  expect(review.alerts).toStrictEqual([]);
  expect(review.measures?.subnets).toStrictEqual([{ subnetId: SUBNET, free: 39 }]);
});
