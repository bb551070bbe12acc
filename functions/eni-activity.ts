/** EventBridge: CloudTrail calls that create, attach, detach, delete ENIs and (un)assign their addresses. */
import { loadConfig } from '#shared/config.ts';
import { ec2EventHandler } from '#shared/ec2-handler.ts';
import { awsEc2Deps } from '#shared/wiring.ts';

const config = loadConfig(process.env);

export const handler = ec2EventHandler(awsEc2Deps(config));
