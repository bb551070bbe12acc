import {
  type ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { attributeMap, orUndefinedIfGone } from '#adapters/elbv2/elbv2-reader.ts';
import {
  DEREGISTRATION_DELAY_ATTRIBUTE,
  parseDelaySeconds,
} from '#core/targets/deregistration-delay.ts';
import type { Elbv2Port } from '#core/targets/elbv2-port.ts';

/**
 * The ELBv2 reader that may also set a target group's deregistration delay (drift
 * remediation). Its own module, used only by the elb-activity and sweep wiring: the EC2
 * handlers review stale targets but never delay drift, so their bundles (and their roles)
 * carry no ModifyTargetGroupAttributes.
 */
export function withDelayRemediation(
  reader: Elbv2Port,
  client: ElasticLoadBalancingV2Client,
): Elbv2Port {
  return {
    ...reader,
    setDeregistrationDelay: (tgArn, seconds) => {
      const parsed = parseDelaySeconds(seconds);
      if (!parsed.ok) {
        return Promise.reject(
          new RangeError(`deregistration delay for ${tgArn}: ${parsed.problem}`),
        );
      }
      return orUndefinedIfGone(async () => {
        const res = await client.send(
          new ModifyTargetGroupAttributesCommand({
            TargetGroupArn: tgArn,
            Attributes: [{ Key: DEREGISTRATION_DELAY_ATTRIBUTE, Value: String(parsed.seconds) }],
          }),
        );
        return attributeMap(res.Attributes);
      });
    },
  };
}
