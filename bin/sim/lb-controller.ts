import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { type Actor, consoleUser, lbController } from './actors.ts';
import { elbShape, javaDate } from './cloudtrail.ts';
import { KV, kv, record, type SimContext } from './sim-context.ts';

/** A Kubernetes Service of type LoadBalancer, as the AWS Load Balancer Controller keeps it. */
export interface SimService {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly lbArn: string;
  readonly tgArn: string;
  readonly listenerArn?: string;
  /** Pod IPs registered as targets. */
  readonly registered: Set<string>;
}

const DELAY_KEY = 'deregistration_delay.timeout_seconds';

/**
 * The controller creates an NLB in IP mode, its target group and listener, sets the
 * deregistration delay from the annotation, and registers the pods' IPs. (moto 5.2.1
 * answers NLB ARNs with `/app/` and a fake canonical hosted zone id: the records carry what
 * moto returned, as CloudTrail carries what AWS returned.)
 */
export async function exposeService(
  ctx: SimContext,
  options: {
    name: string;
    namespace: string;
    port: number;
    subnetIds: string[];
    hostname?: string | undefined;
    delaySeconds?: number | undefined;
  },
): Promise<SimService> {
  const actor = lbController(ctx.cluster);
  const stack = `${options.namespace}/${options.name}`;
  const suffix = ctx.ids.uuid().replace(/-/g, '').slice(0, 10);
  const lbTags = {
    'elbv2.k8s.aws/cluster': ctx.cluster,
    'service.k8s.aws/resource': 'LoadBalancer',
    'service.k8s.aws/stack': stack,
    ...(options.hostname ? { 'netledger/hostname': options.hostname } : {}),
  };
  const lbName = `k8s-${options.namespace}-${options.name}-${suffix}`.slice(0, 32);
  const lbTime = ctx.clock.tick();
  const lbOut = await ctx.elbv2.send(
    new CreateLoadBalancerCommand({
      Name: lbName,
      Type: 'network',
      Scheme: 'internal',
      Subnets: options.subnetIds,
      IpAddressType: 'ipv4',
      Tags: KV(lbTags),
    }),
  );
  const lb = lbOut.LoadBalancers?.[0];
  if (!lb?.LoadBalancerArn) throw new Error('moto created no load balancer');
  const lbResponse = elbShape(lbOut) as { loadBalancers: Array<Record<string, unknown>> };
  // createdTime is the scenario's clock, like every other time in the records.
  for (const l of lbResponse.loadBalancers) l.createdTime = javaDate(new Date(lbTime));
  record(
    ctx,
    'elasticloadbalancing',
    'CreateLoadBalancer',
    actor,
    lbTime,
    {
      name: lbName,
      subnetMappings: options.subnetIds.map((subnetId) => ({ subnetId })),
      scheme: 'internal',
      tags: kv(lbTags),
      type: 'network',
      ipAddressType: 'ipv4',
    },
    lbResponse,
  );
  const tgTags = {
    'elbv2.k8s.aws/cluster': ctx.cluster,
    'service.k8s.aws/resource': `${stack}:${options.port}`,
    'service.k8s.aws/stack': stack,
  };
  const tgName =
    `k8s-${options.namespace}-${options.name}-${suffix.split('').reverse().join('')}`.slice(0, 32);
  const tgTime = ctx.clock.tick();
  const tgInput = {
    Name: tgName,
    Protocol: 'TCP' as const,
    Port: options.port,
    VpcId: ctx.vpcId,
    TargetType: 'ip' as const,
    HealthCheckProtocol: 'TCP' as const,
    HealthCheckPort: String(options.port),
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 10,
    HealthCheckTimeoutSeconds: 10,
    HealthyThresholdCount: 3,
    UnhealthyThresholdCount: 3,
    IpAddressType: 'ipv4' as const,
    Tags: KV(tgTags),
  };
  const tgOut = await ctx.elbv2.send(new CreateTargetGroupCommand(tgInput));
  const tgArn = tgOut.TargetGroups?.[0]?.TargetGroupArn;
  if (!tgArn) throw new Error('moto created no target group');
  record(
    ctx,
    'elasticloadbalancing',
    'CreateTargetGroup',
    actor,
    tgTime,
    { ...(elbShape({ ...tgInput, Tags: undefined }) as object), tags: kv(tgTags) },
    elbShape(tgOut),
  );
  const listenerTime = ctx.clock.tick();
  const listener = await ctx.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancerArn,
      Protocol: 'TCP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );
  // No rule follows CreateListener: this record shows the patterns filtering.
  record(
    ctx,
    'elasticloadbalancing',
    'CreateListener',
    actor,
    listenerTime,
    {
      loadBalancerArn: lb.LoadBalancerArn,
      protocol: 'TCP',
      port: 80,
      defaultActions: [{ type: 'forward', targetGroupArn: tgArn }],
    },
    elbShape(listener),
  );
  const service: SimService = {
    name: options.name,
    namespace: options.namespace,
    port: options.port,
    lbArn: lb.LoadBalancerArn,
    tgArn,
    ...(listener.Listeners?.[0]?.ListenerArn
      ? { listenerArn: listener.Listeners[0].ListenerArn }
      : {}),
    registered: new Set(),
  };
  if (options.delaySeconds !== undefined) await setDelay(ctx, service, options.delaySeconds, actor);
  ctx.say(
    `LB controller creates NLB ${lbName} in IP mode for service ${stack}` +
      (options.hostname ? ` with hostname ${options.hostname}` : '') +
      (options.delaySeconds !== undefined
        ? `, deregistration delay ${options.delaySeconds} s by annotation`
        : ''),
  );
  return service;
}

/** Registers the pods' IPs that are not targets yet and deregisters the ones that went. */
export async function syncTargets(
  ctx: SimContext,
  service: SimService,
  podIps: readonly string[],
): Promise<{ registered: string[]; deregistered: string[] }> {
  const actor = lbController(ctx.cluster);
  const wanted = new Set(podIps);
  const add = podIps.filter((ip) => !service.registered.has(ip));
  const remove = [...service.registered].filter((ip) => !wanted.has(ip));
  for (const [name, ips] of [
    ['DeregisterTargets', remove],
    ['RegisterTargets', add],
  ] as const) {
    if (ips.length === 0) continue;
    const targets = ips.map((Id) => ({ Id, Port: service.port }));
    const time = ctx.clock.tick();
    await ctx.elbv2.send(
      name === 'RegisterTargets'
        ? new RegisterTargetsCommand({ TargetGroupArn: service.tgArn, Targets: targets })
        : new DeregisterTargetsCommand({ TargetGroupArn: service.tgArn, Targets: targets }),
    );
    record(
      ctx,
      'elasticloadbalancing',
      name,
      actor,
      time,
      { targetGroupArn: service.tgArn, targets: targets.map((t) => ({ id: t.Id, port: t.Port })) },
      null,
    );
    for (const ip of ips) {
      if (name === 'RegisterTargets') service.registered.add(ip);
      else service.registered.delete(ip);
    }
  }
  return { registered: add, deregistered: remove };
}

export async function setDelay(
  ctx: SimContext,
  service: SimService,
  seconds: number,
  actor: Actor,
): Promise<void> {
  const time = ctx.clock.tick();
  const out = await ctx.elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: service.tgArn,
      Attributes: [{ Key: DELAY_KEY, Value: String(seconds) }],
    }),
  );
  record(
    ctx,
    'elasticloadbalancing',
    'ModifyTargetGroupAttributes',
    actor,
    time,
    { targetGroupArn: service.tgArn, attributes: [{ key: DELAY_KEY, value: String(seconds) }] },
    elbShape(out),
  );
}

/** A person changes the delay in the console. */
export async function consoleSetsDelay(
  ctx: SimContext,
  service: SimService,
  user: string,
  seconds: number,
): Promise<void> {
  await setDelay(ctx, service, seconds, consoleUser(user));
  ctx.say(
    `${user} sets the deregistration delay of ${service.namespace}/${service.name} to ${seconds} s in the console`,
  );
}

/** The Service is deleted: the controller removes the listener, the NLB, then the target group. */
export async function deleteService(ctx: SimContext, service: SimService): Promise<void> {
  const actor = lbController(ctx.cluster);
  if (service.listenerArn) {
    const time = ctx.clock.tick();
    await ctx.elbv2.send(new DeleteListenerCommand({ ListenerArn: service.listenerArn }));
    record(
      ctx,
      'elasticloadbalancing',
      'DeleteListener',
      actor,
      time,
      { listenerArn: service.listenerArn },
      null,
    );
  }
  const lbTime = ctx.clock.tick();
  await ctx.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: service.lbArn }));
  record(
    ctx,
    'elasticloadbalancing',
    'DeleteLoadBalancer',
    actor,
    lbTime,
    { loadBalancerArn: service.lbArn },
    null,
  );
  if (service.registered.size > 0) await syncTargets(ctx, service, []);
  const tgTime = ctx.clock.tick();
  await ctx.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: service.tgArn }));
  record(
    ctx,
    'elasticloadbalancing',
    'DeleteTargetGroup',
    actor,
    tgTime,
    { targetGroupArn: service.tgArn },
    null,
  );
  ctx.say(
    `service ${service.namespace}/${service.name} is deleted: the LB controller removes its NLB and target group`,
  );
}
