/** EventBridge: CloudTrail calls on load balancers, target groups and their targets. */

import { elbEventHandler } from '#app/elb-handler.ts';
import { awsElbDeps } from '#app/wiring.ts';
import { loadConfig } from '#shared/config.ts';
import { dnsSettingsSummary } from '#shared/dns-config.ts';
import { logger } from '#shared/powertools.ts';

const config = loadConfig(process.env);
logger.info(dnsSettingsSummary(config.dns));

export const handler = elbEventHandler(awsElbDeps(config));
