/** EventBridge: CloudTrail calls on load balancers, target groups and their targets. */
import { loadConfig } from '#shared/config.ts';
import { dnsSettingsSummary } from '#shared/dns-config.ts';
import { elbEventHandler } from '#shared/elb-handler.ts';
import { logger } from '#shared/powertools.ts';
import { awsElbDeps } from '#shared/wiring.ts';

const config = loadConfig(process.env);
logger.info(dnsSettingsSummary(config.dns));

export const handler = elbEventHandler(awsElbDeps(config));
