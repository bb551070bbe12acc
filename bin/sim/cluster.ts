import {
  consoleSetsDelay,
  deleteService,
  exposeService,
  type SimService,
  syncTargets,
} from './lb-controller.ts';
import {
  type CniSettings,
  createEksEndpointEni,
  launchNode,
  reconcilePool,
  type SimNode,
  terminateNode,
} from './nodes.ts';
import type { Scenario, Step } from './scenario.ts';
import type { SimContext } from './sim-context.ts';
import type { SubnetPool } from './subnet-pool.ts';

interface Deployment {
  replicas: number;
  /** Pod names in creation order; a pod is either on a node or Pending. */
  readonly pods: string[];
  next: number;
}

/**
 * The cluster in motion: nodes, deployments, the scheduler, and the services the LB
 * controller keeps. Each step of a scenario is one change a person would see.
 */
export class SimCluster {
  readonly nodes: SimNode[] = [];
  private readonly deployments = new Map<string, Deployment>();
  private readonly services = new Map<string, { svc: SimService; deployment: string }>();
  private readonly cni: CniSettings;

  constructor(
    private readonly ctx: SimContext,
    private readonly scenario: Scenario,
    private readonly subnets: ReadonlyMap<string, SubnetPool>,
    /** The scheduled sweep: everything held back is delivered first. */
    private readonly sweep: () => Promise<void>,
  ) {
    this.cni = {
      warmEniTarget: scenario.cni.WARM_ENI_TARGET,
      warmIpTarget: scenario.cni.WARM_IP_TARGET,
      minimumIpTarget: scenario.cni.MINIMUM_IP_TARGET,
    };
  }

  async play(step: Step): Promise<void> {
    if (step.say) this.ctx.say(step.say);
    switch (step.do) {
      case 'launch-nodes':
        return this.launch(step.group, step.instanceType, step.count, step.subnets);
      case 'eks-endpoint':
        for (const name of step.subnets) await createEksEndpointEni(this.ctx, this.subnet(name));
        this.ctx.say(`EKS places its API endpoint ENIs in subnets ${step.subnets.join(', ')}`);
        return;
      case 'scale':
        return this.scale(step.deployment, step.replicas);
      case 'expose': {
        const svc = await exposeService(this.ctx, {
          name: step.service,
          namespace: 'default',
          port: step.port,
          subnetIds: [...this.subnets.values()].map((s) => s.subnetId),
          hostname: step.hostname,
          delaySeconds: step.delaySeconds,
        });
        this.services.set(step.service, { svc, deployment: step.deployment });
        await this.syncService(step.service);
        return;
      }
      case 'console-delay':
        return consoleSetsDelay(this.ctx, this.service(step.service).svc, step.user, step.seconds);
      case 'terminate-node':
        return this.terminate(step.node);
      case 'controller-sync':
        for (const name of this.services.keys()) await this.syncService(name);
        return;
      case 'delete-service': {
        await deleteService(this.ctx, this.service(step.service).svc);
        this.services.delete(step.service);
        return;
      }
      case 'sweep':
        this.ctx.say('the scheduled sweep re-reads the account');
        return this.sweep();
      case 'wait':
        this.ctx.clock.tick(step.minutes * 60);
        this.ctx.say(`${step.minutes} minutes pass`);
        return;
    }
  }

  private async launch(group: string, type: string, count: number, subnetNames: string[]) {
    const launched: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `node-${this.nodes.length + 1}`;
      const subnet = this.subnet(subnetNames[i % subnetNames.length] as string);
      const node = await launchNode(this.ctx, group, name, type, subnet);
      if (!node) continue;
      this.nodes.push(node);
      launched.push(`${name} ${node.instanceId} in ${subnet.az}`);
      await reconcilePool(this.ctx, node, this.cni);
    }
    this.ctx.say(
      `node group ${group} scales out by ${count} ${type}: ${launched.join(', ') || 'none'} ` +
        `(max ${maxPods(this.nodes.at(-1))} pods each)`,
    );
    await this.schedulePending();
  }

  private async scale(name: string, replicas: number) {
    const d = this.deployment(name);
    const before = d.replicas;
    d.replicas = replicas;
    while (d.pods.length > replicas) {
      const pod = d.pods.pop() as string;
      const node = this.nodeOf(pod);
      node?.pods.delete(pod);
    }
    while (d.pods.length < replicas) d.pods.push(`${name}-${d.next++}`);
    // Scaling in: the controller deregisters the gone pods first, then ipamd frees addresses.
    if (replicas < before) await this.syncServicesOf(name);
    await this.schedulePending();
    for (const node of this.running()) await reconcilePool(this.ctx, node, this.cni);
    await this.syncServicesOf(name);
    const pending = d.pods.filter((p) => !this.nodeOf(p)).length;
    this.ctx.say(
      `deployment ${name} scaled ${before} -> ${replicas} pods: ${this.running()
        .map((n) => `${n.name} ${n.pods.size}/${maxPods(n) - 2}`)
        .join(', ')}${pending > 0 ? `; ${pending} Pending (Too many pods)` : ''}`,
    );
  }

  private async terminate(nodeName: string) {
    const node = this.nodes.find((n) => n.name === nodeName && !n.terminated);
    if (!node) throw new Error(`no running node named ${nodeName}`);
    const lost = node.pods.size;
    await terminateNode(this.ctx, node);
    this.ctx.say(
      `node group scales in: ${node.name} (${node.instanceId}) is terminated with ${lost} pods on it; their targets stay registered for now`,
    );
    // The ReplicaSets recreate the lost pods elsewhere (the controller has not caught up yet).
    await this.schedulePending();
    for (const n of this.running()) await reconcilePool(this.ctx, n, this.cni);
  }

  /** Places every Pending pod the nodes have room for. */
  private async schedulePending() {
    for (const d of this.deployments.values()) {
      for (const pod of d.pods) {
        if (this.nodeOf(pod)) continue;
        if (!(await this.place(pod))) break;
      }
    }
  }

  /** The scheduler's pick (fewest pods, room under max pods), then an address from ipamd. */
  private async place(pod: string): Promise<boolean> {
    const candidates = this.running().filter((n) => n.pods.size < maxPods(n) - 2);
    candidates.sort((a, b) => a.pods.size - b.pods.size);
    const node = candidates[0];
    if (!node) return false;
    let ip = freePoolIp(node);
    if (!ip) {
      await reconcilePool(this.ctx, node, this.cni);
      ip = freePoolIp(node);
    }
    if (!ip) {
      this.ctx.say(`${pod} on ${node.name}: failed to assign an IP address to container`);
      return false;
    }
    node.pods.set(pod, ip);
    await reconcilePool(this.ctx, node, this.cni);
    return true;
  }

  private async syncServicesOf(deployment: string) {
    for (const [name, s] of this.services)
      if (s.deployment === deployment) await this.syncService(name);
  }

  private async syncService(name: string) {
    const { svc, deployment } = this.service(name);
    const ips = this.deployment(deployment).pods.flatMap((p) => {
      const node = this.nodeOf(p);
      const ip = node?.pods.get(p);
      return ip ? [ip] : [];
    });
    const { registered, deregistered } = await syncTargets(this.ctx, svc, ips);
    if (registered.length + deregistered.length > 0) {
      this.ctx.say(
        `LB controller: ${svc.namespace}/${svc.name} registers ${registered.length} and deregisters ${deregistered.length} pod IPs`,
      );
    }
  }

  private running(): SimNode[] {
    return this.nodes.filter((n) => !n.terminated);
  }

  private nodeOf(pod: string): SimNode | undefined {
    return this.running().find((n) => n.pods.has(pod));
  }

  private deployment(name: string): Deployment {
    let d = this.deployments.get(name);
    if (!d) {
      d = { replicas: 0, pods: [], next: 1 };
      this.deployments.set(name, d);
    }
    return d;
  }

  private service(name: string) {
    const s = this.services.get(name);
    if (!s) throw new Error(`scenario ${this.scenario.name}: no service ${name} was exposed`);
    return s;
  }

  private subnet(name: string): SubnetPool {
    const s = this.subnets.get(name);
    if (!s) throw new Error(`scenario ${this.scenario.name}: no subnet ${name}`);
    return s;
  }
}

/** ENIs x (IPv4 per ENI - 1) + 2, the VPC CNI's max pods (secondary-IP mode). */
function maxPods(node: SimNode | undefined): number {
  return node ? node.maxEnis * node.slotsPerEni + 2 : 0;
}

/** The lowest-device pool address no pod uses. */
function freePoolIp(node: SimNode): string | undefined {
  const used = new Set(node.pods.values());
  for (const eni of node.enis) for (const ip of eni.ips) if (!used.has(ip)) return ip;
  return undefined;
}
