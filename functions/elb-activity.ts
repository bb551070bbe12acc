/** EventBridge: CloudTrail calls on load balancers, target groups and their targets. */
import { loadConfig } from '#shared/config.ts';
import { elbEventHandler } from '#shared/elb-handler.ts';
import { awsElbDeps } from '#shared/wiring.ts';

const config = loadConfig(process.env);

export const handler = elbEventHandler(awsElbDeps(config));
