import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { describe, expect, test } from 'vitest';
import { DynamoAlertStore } from '#adapters/dynamodb/ledger-alerts.ts';
import { DynamoNetworkLedger } from '#adapters/dynamodb/ledger-network.ts';
import { DynamoTargetLedger } from '#adapters/dynamodb/ledger-targets.ts';
import { type Ec2HandlerOutcome, ec2EventHandler } from '#app/ec2-handler.ts';
import { elbEventHandler } from '#app/elb-handler.ts';
import type { AlertNotification } from '#core/alerts/alert-lifecycle.ts';
import type { Scope } from '#core/events/scope.ts';
import type { ElbEventOutcome } from '#core/targets/apply-elb-event.ts';
import type { TargetSettings } from '#core/targets/review-targets.ts';
import { sweepLoadBalancers } from '#core/targets/sweep-load-balancers.ts';
import { targetReport } from '#core/targets/target-report.ts';
import { freshLedgerTable } from '#test/helpers/ledger-table.ts';
import { type SampleEvent, sample, sampleFolder } from '#test/helpers/samples.ts';
import { SimulatedEc2 } from '#test/helpers/simulated-ec2.ts';
import { SimulatedElbv2 } from '#test/helpers/simulated-elbv2.ts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SCOPE: Scope = { clusters: ['myeks'], vpcIds: [VPC] };
const NODE1 = 'i-0a1b2c3d4e5f00001';
const NODE3 = 'i-0a1b2c3d4e5f00003';
const ECHO_TG =
  'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-default-echo-8d2e5f1a7c/6b1d3f5a7c9e2b40';
const LIFECYCLE = sampleFolder('ec2/node-lifecycle').map((s) => s.event);
const TERMINATION = sampleFolder('ec2/node-termination').map((s) => s.event);
const ECHO: SampleEvent[] = sample('elb/sequences/echo-nlb-lifecycle.json') as never;

/** The echo sequence's events by eventID prefix, fresh copies. */
function echo(idPrefix: string): SampleEvent {
  const e = ECHO.find((x) => String(x.detail.eventID).startsWith(idPrefix));
  if (!e) throw new Error(`no echo event ${idPrefix}`);
  return structuredClone(e);
}

const context = { functionName: 'test', awsRequestId: 'test' } as unknown as Context;

interface WorldOptions {
  readonly settings?: Partial<TargetSettings>;
  readonly scope?: Scope;
}

/** Both real handlers on one fresh ledger table; ELBv2 and the notifier are in memory. */
async function world(options: WorldOptions = {}) {
  const { client, tableName } = await freshLedgerTable();
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const network = new DynamoNetworkLedger(db, tableName);
  const targets = new DynamoTargetLedger(db, tableName);
  const elbv2 = new SimulatedElbv2();
  const notifications: AlertNotification[] = [];
  const scope = options.scope ?? SCOPE;
  const settings: TargetSettings = {
    delayPolicy: { default: 60, perCluster: {}, perStack: {} },
    remediate: false,
    ...options.settings,
  };
  // CloudTrail delivers a few minutes after the call; the clock follows the events.
  let now = '2026-11-21T09:00:00.000Z';
  const deps = {
    targets,
    network,
    elbv2,
    scope,
    settings,
    alerting: {
      alerts: new DynamoAlertStore(db, tableName),
      notifier: { notify: async (n: AlertNotification) => void notifications.push(n) },
      policy: { remindAfterSeconds: 4 * 3600 },
    },
  };
  // The EC2 handler as deployed: it reviews the targets of the IPs and nodes each event touched.
  const ec2 = ec2EventHandler({
    ledger: network,
    ec2: new SimulatedEc2(),
    scope,
    targets: { ...deps, clock: () => now },
  });
  const elb = elbEventHandler({ ...deps, clock: () => now });
  const tick = (event: SampleEvent) => {
    const at = String(event.detail?.eventTime ?? event.time);
    now = new Date(Date.parse(at) + 3 * 60_000).toISOString();
  };
  return {
    deps,
    db,
    tableName,
    elbv2,
    notifications,
    targets,
    get now() {
      return now;
    },
    async elb(event: SampleEvent): Promise<ElbEventOutcome> {
      tick(event);
      return (await elb(event, context)) as ElbEventOutcome;
    },
    async ec2(event: SampleEvent): Promise<Ec2HandlerOutcome> {
      tick(event);
      return (await ec2(event, context)) as Ec2HandlerOutcome;
    },
    async ec2All(events: readonly SampleEvent[]) {
      for (const e of events) await this.ec2(structuredClone(e));
    },
  };
}

const ofKind = (ns: AlertNotification[], kind: string) => ns.filter((n) => n.kind === kind);

describe('the echo service (2 replicas behind an NLB in IP mode)', () => {
  test('delay 60 by annotation under a 60 s policy: no alert; console 300: drift naming who; back to 60: resolved', async () => {
    // Prepare
    const w = await world();
    await w.ec2All(LIFECYCLE);
    // Act: create, annotate 60, register both replicas
    const setup = [];
    for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4', 'e4c0f6d5'])
      setup.push(await w.elb(echo(id)));
    const quiet = [...w.notifications];
    const raised = await w.elb(echo('a6e2b8f7')); // alice, console, 300
    const afterRaise = [...w.notifications];
    const denied = await w.elb(echo('b7f3c9a8')); // carol, AccessDenied
    await w.elb(echo('c8a4dab9')); // bob, console, back to 60
    // Assess
    expect(setup.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(quiet).toEqual([]);
    expect(raised.status).toBe('applied');
    expect(afterRaise).toHaveLength(1);
    const open = afterRaise[0] as AlertNotification;
    expect(open).toMatchObject({
      type: 'open',
      kind: 'deregistration-delay-drift',
      cluster: 'myeks',
    });
    expect(open.facts).toMatchObject({
      actualSeconds: 300,
      desiredSeconds: 60,
      stack: 'default/echo',
    });
    expect(String(open.facts.changedBy)).toContain('alice');
    expect(open.summary).toContain('alice');
    expect(denied.status).toBe('ignored');
    expect(denied.reason).toMatch(/^failed-call: .*AccessDenied/);
    expect(w.notifications.map((n) => n.type)).toEqual(['open', 'resolve']);
    expect(w.notifications[1]?.subject).toBe(ECHO_TG);
    // Every echo event carried its whole answer: no ELBv2 call at all.
    expect(w.elbv2.calls).toEqual([]);
  });

  test('with DRIFT_REMEDIATE on, the console change is set back: open, then resolve', async () => {
    // Prepare
    const w = await world({ settings: { remediate: true } });
    w.elbv2.attributes.set(ECHO_TG, { 'deregistration_delay.timeout_seconds': '300' });
    for (const id of ['c2a8d4b3', 'd3b9e5c4']) await w.elb(echo(id));
    // Act
    const outcome = await w.elb(echo('a6e2b8f7'));
    // Assess
    expect(outcome.review?.remediations).toMatchObject([{ action: 'apply', from: 300, to: 60 }]);
    expect(w.elbv2.calls).toEqual([`ModifyTargetGroupAttributes ${ECHO_TG}`]);
    const tg = await w.targets.getTargetGroup(ECHO_TG);
    expect(tg?.attributes['deregistration_delay.timeout_seconds']).toBe('60');
    expect(w.notifications.map((n) => n.type)).toEqual(['open', 'resolve']);
  });
});

describe('stale targets', () => {
  test('a node terminated while its pod IP is still registered: stale, resolved on deregistration', async () => {
    // Prepare: the controller's DeregisterTargets for 192.168.1.21 arrives only at the end
    const w = await world();
    await w.ec2All(LIFECYCLE);
    for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4', 'e4c0f6d5']) await w.elb(echo(id));
    // Act
    await w.ec2All(TERMINATION);
    const stale = [...ofKind(w.notifications, 'stale-target')];
    await w.elb(echo('d9b5ebca'));
    // Assess
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({
      type: 'open',
      subject: `${ECHO_TG}|192.168.1.21:8080`,
      facts: { reason: 'ip-not-on-any-eni', registeredNode: NODE1, stack: 'default/echo' },
    });
    const after = ofKind(w.notifications, 'stale-target');
    expect(after.map((n) => n.type)).toEqual(['open', 'resolve']);
  });

  test('the CNI gives a released IP to a pod on another node while the old target is registered: stale', async () => {
    // Prepare: 192.168.1.24 registered while node 1 holds it, released at 10:20 (sample 07)
    const w = await world();
    await w.ec2All(LIFECYCLE.slice(0, 3));
    for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4']) await w.elb(echo(id));
    const register = echo('e4c0f6d5');
    register.detail.eventID = 'e4c0f6d5-0000-4000-8000-000000000124';
    register.detail.eventTime = '2026-11-21T10:05:00Z';
    register.detail.requestParameters.targets = [{ id: '192.168.1.24', port: 8080 }];
    await w.elb(register);
    await w.ec2All(LIFECYCLE.slice(3, 7));
    // Act: node 3 starts in the same subnet and its CNI is handed 192.168.1.24
    await w.ec2(node3Launch());
    const assign = node3Assign('192.168.1.24');
    const review = (await w.ec2(assign)).targets;
    // Assess: opened when node 1 released it; now on node 3, which escalates it at once
    const stale = ofKind(w.notifications, 'stale-target');
    expect(stale).toMatchObject([
      {
        type: 'open',
        severity: 'warning',
        facts: { reason: 'ip-not-on-any-eni', registeredNode: NODE1 },
      },
      {
        type: 'remind',
        escalated: true,
        severity: 'critical',
        facts: { reason: 'ip-moved-to-another-node', holderNode: NODE3 },
      },
    ]);
    const subject = `${ECHO_TG}|192.168.1.24:8080`;
    expect(review?.alerts).toEqual([
      { kind: 'stale-target', subject, cluster: 'myeks', active: true, outcome: 'escalated' },
    ]);
    const stored = await w.deps.alerting.alerts.get('stale-target', subject);
    expect(stored).toMatchObject({
      status: 'open',
      severity: 'critical',
      facts: { reason: 'ip-moved-to-another-node', registeredNode: NODE1, holderNode: NODE3 },
    });
    const rows = await targetReport(w.deps);
    expect(rows.find((r) => r.targetGroupArn === ECHO_TG)?.stale).toEqual([
      { ip: '192.168.1.24', port: 8080, reason: 'ip-moved-to-another-node' },
    ]);
  });

  test('a RegisterTargets processed only after its IP moved to another node: stale, not a node-3 baseline', async () => {
    // Prepare: 10:05 the controller registers 192.168.1.24 (pod on node 1); 10:20 node 1
    // releases it (sample 07); 10:25 node 3's CNI is handed it. CloudTrail is late with the
    // RegisterTargets record, so the EC2 records are processed first.
    const w = await world();
    await w.ec2All(LIFECYCLE.slice(0, 3));
    for (const id of ['b1f7c3a2', 'c2a8d4b3', 'd3b9e5c4']) await w.elb(echo(id));
    await w.ec2All(LIFECYCLE.slice(3, 7));
    await w.ec2(node3Launch());
    await w.ec2(node3Assign('192.168.1.24'));
    const register = echo('e4c0f6d5');
    register.detail.eventID = 'e4c0f6d5-0000-4000-8000-000000000124';
    register.detail.eventTime = '2026-11-21T10:05:00Z';
    register.detail.requestParameters.targets = [{ id: '192.168.1.24', port: 8080 }];

    // Act
    await w.elb(register);

    // Assess: node 3 got the IP after the registration, so it cannot be the registered pod's node
    const stored = await w.targets.getTarget(ECHO_TG, { id: '192.168.1.24', port: 8080 });
    expect(stored?.nodeAtRegistration).toBeUndefined();
    const nodeThreeAssignedAt = Date.parse('2026-11-21T10:25:00Z');
    expect(Date.parse(stored?.ipReassignedAt ?? '')).toBe(nodeThreeAssignedAt);
    const rows = await targetReport(w.deps);
    expect(rows.find((r) => r.targetGroupArn === ECHO_TG)?.stale).toEqual([
      { ip: '192.168.1.24', port: 8080, reason: 'ip-reassigned-after-registration' },
    ]);
    const subject = `${ECHO_TG}|192.168.1.24:8080`;
    const alert = await w.deps.alerting.alerts.get('stale-target', subject);
    expect(alert).toMatchObject({
      status: 'open',
      severity: 'critical',
      facts: { reason: 'ip-reassigned-after-registration', holderNode: NODE3 },
    });
    expect(Date.parse(String(alert?.facts.ipReassignedAt))).toBe(nodeThreeAssignedAt);
  });

  test('a target-type instance group is checked for drift but never joined to pod IPs', async () => {
    // Prepare
    const w = await world();
    await w.ec2All(LIFECYCLE);
    const tgArn = ECHO_TG.replace('6b1d3f5a7c9e2b40', '0000instance0001');
    const create = echo('c2a8d4b3');
    create.detail.requestParameters.targetType = 'instance';
    Object.assign(create.detail.responseElements.targetGroups[0], {
      targetType: 'instance',
      targetGroupArn: tgArn,
    });
    const modify = retarget(echo('a6e2b8f7'), tgArn, '1');
    const register = retarget(echo('e4c0f6d5'), tgArn, '2');
    register.detail.requestParameters.targets = [{ id: NODE1, port: 30080 }];
    // Act
    await w.elb(create);
    await w.elb(modify);
    await w.elb(register);
    await w.ec2All(TERMINATION);
    // Assess
    expect(w.notifications.map((n) => `${n.type} ${n.kind}`)).toEqual([
      'open deregistration-delay-drift',
    ]);
    const row = (await targetReport(w.deps)).find((r) => r.targetGroupArn === tgArn);
    expect(row).toMatchObject({
      targetType: 'instance',
      targets: 1,
      stale: [],
      deregistrationDelay: { actual: 300, desired: 60 },
    });
  });
});

describe('events that are ignored, and API calls per event', () => {
  test('an unknown target group costs one DescribeTargetGroups and is parked with the reason', async () => {
    // Prepare
    const w = await world();
    // Act
    const outcome = await w.elb(echo('e4c0f6d5'));
    // Assess
    expect(outcome.status).toBe('parked');
    expect(outcome.parkedOn).toBe(`target-group:${ECHO_TG}`);
    expect(outcome.reason).toBe(
      `unknown target group ${ECHO_TG}: not in the ledger and DescribeTargetGroups says not found; parked until it is filed`,
    );
    expect(w.elbv2.calls).toEqual([`DescribeTargetGroups ${ECHO_TG}`]);
  });

  test('a failed call (errorCode) is ignored without any API call', async () => {
    // Prepare
    const w = await world();
    // Act
    const outcome = await w.elb(sample('elb/modify-target-group-attributes-access-denied.json'));
    // Assess
    expect(outcome).toMatchObject({ status: 'ignored' });
    expect(outcome.reason).toMatch(/^failed-call: ModifyTargetGroupAttributes /);
    expect(w.elbv2.calls).toEqual([]);
  });

  test('a target group of an unconfigured cluster is remembered, so its later events cost no call', async () => {
    // Prepare
    const w = await world({ scope: { clusters: ['other'], vpcIds: [VPC] } });
    // Act
    const created = await w.elb(echo('c2a8d4b3'));
    const registered = await w.elb(echo('e4c0f6d5'));
    // Assess
    expect(created.reason).toContain('cluster myeks is not configured');
    expect(registered).toMatchObject({ status: 'ignored' });
    expect(registered.reason).toContain('cluster myeks is not configured');
    expect(w.elbv2.calls).toEqual([]);
  });

  test('a target group the events missed is read once; its unknown delay is not guessed', async () => {
    // Prepare: ELBv2 knows the group, the ledger does not
    const w = await world();
    w.elbv2.targetGroups.set(ECHO_TG, echoGroup());
    w.elbv2.attributes.set(ECHO_TG, { 'deregistration_delay.timeout_seconds': '300' });
    // Act
    const outcome = await w.elb(echo('e4c0f6d5'));
    // Assess
    expect(outcome.status).toBe('applied');
    expect(w.elbv2.describeCalls()).toEqual([`DescribeTargetGroups ${ECHO_TG}`]);
    expect(outcome.review?.skipped).toContainEqual({
      subject: ECHO_TG,
      reason: expect.stringContaining('no elbv2.k8s.aws/cluster tag'),
    });
    expect((await w.targets.targetsOf(ECHO_TG)).map((t) => t.id).sort()).toEqual([
      '192.168.1.21',
      '192.168.2.50',
    ]);
  });

  test('registration into a group with an unknown delay reads it once; a throttled read fails the event and records nothing', async () => {
    // Prepare: created, but the annotation's ModifyTargetGroupAttributes never came
    const w = await world();
    w.elbv2.attributes.set(ECHO_TG, { 'deregistration_delay.timeout_seconds': '300' });
    await w.elb(echo('c2a8d4b3'));
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    w.elbv2.failNext = throttled;
    // Act
    const failed = w.elb(echo('e4c0f6d5'));
    await expect(failed).rejects.toThrow('Rate exceeded');
    const unread = await w.targets.getTargetGroup(ECHO_TG);
    const retried = await w.elb(echo('e4c0f6d5'));
    // Assess
    expect(unread?.attributes['deregistration_delay.timeout_seconds']).toBeUndefined();
    expect(retried.status).toBe('applied');
    // (No EC2 events here, so the IP ledger holds neither target's IP: they look stale, and
    // ELBv2 is asked once whether they are still registered before they alert.)
    expect(w.elbv2.describeCalls()).toEqual([
      `DescribeTargetGroupAttributes ${ECHO_TG}`,
      `DescribeTargetGroupAttributes ${ECHO_TG}`,
      `DescribeTargetHealth ${ECHO_TG}`,
    ]);
    expect(ofKind(w.notifications, 'deregistration-delay-drift')).toMatchObject([
      { type: 'open', facts: { actualSeconds: 300, actualSource: 'set' } },
    ]);
  });
});

describe('the load balancer sweep', () => {
  test('fills an empty ledger from ELBv2, then finds nothing left to repair', async () => {
    // Prepare
    const w = await world();
    await w.ec2All(LIFECYCLE);
    const lbArn = String(echo('b1f7c3a2').detail.responseElements.loadBalancers[0].loadBalancerArn);
    w.elbv2.loadBalancers.set(lbArn, {
      arn: lbArn,
      name: 'k8s-default-echo-3f6a1b2c9d',
      type: 'network',
      scheme: 'internet-facing',
      dnsName: 'k8s-default-echo.elb.ap-northeast-2.amazonaws.com',
      canonicalHostedZoneId: 'ZIBE1TIR4HY56',
      vpcId: VPC,
      availabilityZones: [],
    });
    w.elbv2.targetGroups.set(ECHO_TG, { ...echoGroup(), loadBalancerArns: [lbArn] });
    const tags = { 'elbv2.k8s.aws/cluster': 'myeks', 'service.k8s.aws/stack': 'default/echo' };
    w.elbv2.tags.set(lbArn, tags);
    w.elbv2.tags.set(ECHO_TG, tags);
    w.elbv2.attributes.set(ECHO_TG, { 'deregistration_delay.timeout_seconds': '60' });
    w.elbv2.health.set(ECHO_TG, [
      { target: { type: 'ip', ip: '192.168.1.21', port: 8080 }, state: 'healthy' },
      { target: { type: 'ip', ip: '192.168.1.22', port: 8080 }, state: 'draining' },
    ]);
    // Act
    const first = await sweepLoadBalancers(w.deps, '2026-11-21T12:00:00.000Z');
    const second = await sweepLoadBalancers(w.deps, '2026-11-21T12:10:00.000Z');
    // Assess
    expect(first.repaired).toBeGreaterThan(0);
    expect(first.byType).toMatchObject({ 'put-lb': 1, 'put-tg': 1, 'register-target': 1 });
    expect(second.repaired).toBe(0);
    expect((await w.targets.targetGroupsOf(lbArn)).map((t) => t.stack)).toEqual(['default/echo']);
    expect((await w.targets.listLoadBalancers())[0]?.tags).toEqual(tags);
    const [target] = await w.targets.targetsOf(ECHO_TG);
    expect(target).toMatchObject({ id: '192.168.1.21', nodeAtRegistration: NODE1 });
    expect(w.notifications).toEqual([]);
  });
});

describe('the load balancer sweep settles parked changes', () => {
  test('for a group it files: newer ones apply, older ones are superseded by its read; for a group ELBv2 no longer lists: discarded, each with an audit line', async () => {
    // Prepare: the group's attributes and registrations overtook its create, which never came;
    // a registration for a group deleted since waits too
    const w = await world();
    const gone = `${ECHO_TG.slice(0, -4)}dead`;
    const parked = [
      await w.elb(echo('d3b9e5c4')),
      await w.elb(echo('e4c0f6d5')),
      await w.elb(echo('1df92f0e')),
      await w.elb(retarget(echo('e4c0f6d5'), gone, '9')),
    ];
    w.elbv2.targetGroups.set(ECHO_TG, echoGroup());
    w.elbv2.tags.set(ECHO_TG, { 'elbv2.k8s.aws/cluster': 'myeks' });
    w.elbv2.attributes.set(ECHO_TG, { 'deregistration_delay.timeout_seconds': '60' });
    // By the sweep's read 192.168.2.50 was deregistered (its record is still on its way).
    w.elbv2.health.set(ECHO_TG, [
      { target: { type: 'ip', ip: '192.168.1.21', port: 8080 }, state: 'healthy' },
    ]);

    // Act
    const report = await sweepLoadBalancers(w.deps, '2026-11-21T10:30:00.000Z');

    // Assess
    expect(parked.map((o) => o.status)).toEqual(['parked', 'parked', 'parked', 'parked']);
    expect(report.parked).toEqual({ applied: 1, discarded: 3 });
    expect(await w.targets.listParked()).toEqual([]);
    // The 11:10 registration applied; the 10:04 one brought no ghost of 192.168.2.50 back.
    expect((await w.targets.targetsOf(ECHO_TG)).map((t) => t.id)).toEqual([
      '192.168.1.21',
      '192.168.2.51',
    ]);
    expect((await w.elb(echo('e4c0f6d5'))).status).toBe('duplicate');
    const audit = await w.db.send(
      new QueryCommand({
        TableName: w.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `AUDIT#target-group:${gone}` },
      }),
    );
    expect(audit.Items?.map((i) => [i.action, i.detail])).toEqual([
      [
        'discarded parked RegisterTargets',
        expect.stringMatching(/at 2026-11-21T10:04:10.000Z: ELBv2 no longer lists it$/),
      ],
    ]);
  });
});

function echoGroup() {
  return {
    arn: ECHO_TG,
    name: 'k8s-default-echo-8d2e5f1a7c',
    targetType: 'ip' as const,
    protocol: 'TCP',
    port: 8080,
    vpcId: VPC,
    loadBalancerArns: [],
  };
}

/** The same record aimed at another target group, with its own event id. */
function retarget(event: SampleEvent, tgArn: string, suffix: string): SampleEvent {
  event.detail.requestParameters.targetGroupArn = tgArn;
  event.detail.eventID = `${String(event.detail.eventID).slice(0, -1)}${suffix}`;
  return event;
}

/** Node 3: the first node's RunInstances, renamed, in the same subnet, 10:22. */
function node3Launch(): SampleEvent {
  const text = JSON.stringify(LIFECYCLE[0])
    .replaceAll(NODE1, NODE3)
    .replaceAll('eni-0a1b2c3d4e5f60001', 'eni-0a1b2c3d4e5f60003')
    .replaceAll('192.168.1.10', '192.168.1.12');
  const event = JSON.parse(text) as SampleEvent;
  event.detail.eventID = '00000031-5d1e-4c1a-9a6b-0c5e3f2a0031';
  event.detail.eventTime = '2026-11-21T10:22:00Z';
  return event;
}

/** Node 3's CNI assigns one secondary IP to its primary ENI, 10:25. */
function node3Assign(ip: string): SampleEvent {
  const event = structuredClone(LIFECYCLE[2]) as SampleEvent;
  const text = JSON.stringify(event)
    .replaceAll(NODE1, NODE3)
    .replaceAll('eni-0a1b2c3d4e5f60001', 'eni-0a1b2c3d4e5f60003');
  const out = JSON.parse(text) as SampleEvent;
  out.detail.eventID = '00000032-5d1e-4c1a-9a6b-0c5e3f2a0032';
  out.detail.eventTime = '2026-11-21T10:25:00Z';
  out.detail.requestParameters.secondaryPrivateIpAddressCount = 1;
  out.detail.responseElements.assignedPrivateIpAddressesSet = {
    assignedPrivateIpAddressSetType: [{ privateIpAddress: ip }],
  };
  return out;
}
