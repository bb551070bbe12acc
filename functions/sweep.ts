/** Schedule: the anti-entropy sweep that repairs whatever the events missed. */
import { loadConfig } from '#shared/config.ts';
import { sweepHandler } from '#shared/sweep-handler.ts';
import { awsSweepDeps } from '#shared/wiring.ts';

const config = loadConfig(process.env);

export const handler = sweepHandler(awsSweepDeps(config));
