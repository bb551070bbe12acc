/** Schedule: the anti-entropy sweep that repairs whatever the events missed. */

import { sweepHandler } from '#app/sweep-handler.ts';
import { awsSweepDeps } from '#app/wiring.ts';
import { loadConfig } from '#shared/config.ts';
import { dnsSettingsSummary } from '#shared/dns-config.ts';
import { logger } from '#shared/powertools.ts';

const config = loadConfig(process.env);
logger.info(dnsSettingsSummary(config.dns));

export const handler = sweepHandler(awsSweepDeps(config));
