/** Schedule: the anti-entropy sweep that repairs whatever the events missed. */
import { loadConfig } from '#shared/config.ts';
import { dnsSettingsSummary } from '#shared/dns-config.ts';
import { logger } from '#shared/powertools.ts';
import { sweepHandler } from '#shared/sweep-handler.ts';
import { awsSweepDeps } from '#shared/wiring.ts';

const config = loadConfig(process.env);
logger.info(dnsSettingsSummary(config.dns));

export const handler = sweepHandler(awsSweepDeps(config));
