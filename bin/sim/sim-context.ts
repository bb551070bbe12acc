import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Actor } from './actors.ts';
import { cloudTrailEvent, type EmittedEvent } from './cloudtrail.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { SimClock } from './sim-clock.ts';

/** What every actor shares: the account's clients, the clock, and the way out for events. */
export interface SimContext {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly region: string;
  readonly cluster: string;
  readonly vpcId: string;
  readonly securityGroupId: string;
  readonly clock: SimClock;
  /** Fixed-seed ids for CloudTrail records: the same scenario writes the same records. */
  readonly ids: SeededRandom;
  readonly emit: (event: EmittedEvent) => void;
  /** One line of the story, for a person to follow. */
  readonly say: (line: string) => void;
}

/** Records a call as CloudTrail would, after it happened, at the call's own time. */
export function record(
  ctx: SimContext,
  source: 'ec2' | 'elasticloadbalancing',
  eventName: string,
  actor: Actor,
  time: string,
  requestParameters: unknown,
  responseElements: unknown,
  error?: { code: string; message: string },
): void {
  ctx.emit(
    cloudTrailEvent(
      {
        source,
        eventName,
        actor,
        time,
        requestParameters,
        responseElements,
        ...(error ? { errorCode: error.code, errorMessage: error.message } : {}),
      },
      ctx.region,
      ctx.ids,
    ),
  );
}

export const kv = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

export const KV = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
