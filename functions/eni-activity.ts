/** EventBridge: CloudTrail calls that create, attach, detach, delete ENIs and (un)assign their addresses. */

import { ec2EventHandler } from '#app/ec2-handler.ts';
import { awsEc2Deps } from '#app/wiring.ts';
import { loadConfig } from '#shared/config.ts';

const config = loadConfig(process.env);

export const handler = ec2EventHandler(awsEc2Deps(config));
