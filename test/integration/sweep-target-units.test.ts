import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, test } from 'vitest';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { dynamoUnitOfWork } from '#adapters/dynamodb/ledger-unit-of-work.ts';
import { MemoryElbv2 } from '#adapters/memory/memory-elbv2.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { recordWrites } from '#test/helpers/request-log.ts';
import {
  at,
  CLUSTER,
  DELAY,
  LB,
  LB_FACTS,
  LBC,
  TG,
  TG_FACTS,
  time,
  VPC,
} from '#test/unit/use-cases/target-world.ts';

/**
 * The load-balancer sweep into an empty ledger writes a target group with its tags, attributes
 * and targets in one request (a unit of work per group); a unit that loses a condition to
 * another writer is repaired again write by write, and the newer write still wins.
 */
const IPS = ['10.0.0.20', '10.0.0.21', '10.0.0.22'];

function elbv2(): MemoryElbv2 {
  const aws = new MemoryElbv2();
  aws.loadBalancers.set(LB, LB_FACTS);
  aws.targetGroups.set(TG, TG_FACTS);
  aws.tags.set(LB, LBC);
  aws.tags.set(TG, LBC);
  aws.attributes.set(TG, { [DELAY]: '60' });
  aws.health.set(
    TG,
    IPS.map((ip) => ({ target: { type: 'ip' as const, ip, port: 80 }, state: 'healthy' as const })),
  );
  return aws;
}

async function ledger() {
  const { client, tableName } = await freshLedgerTable();
  const writes = recordWrites(client);
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const targets = new DynamoTargetLedger(db, tableName);
  const deps = {
    targets,
    network: new DynamoNetworkLedger(db, tableName),
    elbv2: elbv2(),
    scope: { clusters: [CLUSTER], vpcIds: [VPC] },
    settings: { delayPolicy: { default: 60, perCluster: {}, perStack: {} }, remediate: false },
  };
  const requestsFor = (arn: string) =>
    writes.filter((w) => w.some((pk) => pk.includes(arn))).length;
  return { db, tableName, targets, deps, requestsFor };
}

describe('sweepLoadBalancers with units of work', () => {
  test('a new target group with its tags, attributes and targets is one request, a load balancer with its tags another', async () => {
    // Prepare
    const l = await ledger();

    // Act
    const report = await sweepLoadBalancers(
      { ...l.deps, unitOfWork: () => dynamoUnitOfWork(l.db, l.tableName) },
      time(30),
    );

    // Assess
    expect(report.byType).toMatchObject({
      'put-tg': 1,
      'tg-tags': 1,
      'tg-attributes': 1,
      'register-target': 3,
    });
    expect(l.requestsFor(TG)).toBe(1);
    expect(l.requestsFor(LB)).toBe(1);
    expect((await l.targets.getLoadBalancer(LB))?.tags).toEqual(LBC);
    expect((await l.targets.targetsOf(TG)).map((t) => t.id)).toEqual(IPS);
    const group = await l.targets.getTargetGroup(TG);
    expect([group?.name, group?.tags, group?.attributes[DELAY]]).toEqual([
      TG_FACTS.name,
      LBC,
      '60',
    ]);
  });

  test('without units the same group takes a request per write', async () => {
    const l = await ledger();
    await sweepLoadBalancers(l.deps, time(30));
    expect(l.requestsFor(TG)).toBeGreaterThan(5);
    expect(l.requestsFor(LB)).toBeGreaterThan(1);
    expect((await l.targets.targetsOf(TG)).map((t) => t.id)).toEqual(IPS);
  });

  test('a unit that loses to a newer write is repaired write by write, and the newer write stands', async () => {
    // Prepare: the group is known; just before the unit commits, a console change newer than
    // the sweep sets the delay to 120 s
    const l = await ledger();
    await l.targets.putTargetGroup(TG_FACTS, at(1));
    const competing = async () =>
      l.targets.setAttributes(TG, { [DELAY]: '120' }, { eventTime: time(40), eventId: 'ev-40' });
    const unitOfWork = () => {
      const unit = dynamoUnitOfWork(l.db, l.tableName);
      return {
        ...unit,
        commit: async () => {
          await competing();
          return unit.commit();
        },
      };
    };

    // Act
    const report = await sweepLoadBalancers({ ...l.deps, unitOfWork }, time(30));

    // Assess
    expect(report.byType).toMatchObject({ 'tg-tags': 1, 'register-target': 3 });
    expect(report.byType['tg-attributes']).toBeUndefined();
    expect((await l.targets.getTargetGroup(TG))?.attributes[DELAY]).toBe('120');
    expect((await l.targets.targetsOf(TG)).map((t) => t.id)).toEqual(IPS);
  });
});
