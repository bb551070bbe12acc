import type { Command } from 'commander';
import type { Scope } from '#core/events/scope.ts';
import { CliError } from '#local/cli-error.ts';
import { loadConfig } from '#shared/config.ts';
import { ConfigError } from '#shared/errors.ts';

/**
 * Local mode validates scope with the same rules as the deployed functions, but names the
 * flag the operator typed (`--clusters`), not the variable behind its default (`CLUSTERS`).
 */
export function scopeOption(clusters: string, vpcIds: string): Scope {
  try {
    return loadConfig({ TABLE_NAME: 'local', CLUSTERS: clusters, VPC_IDS: vpcIds }).scope;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const what = error.message
      .replace(/^CLUSTERS:/, `--clusters ${clusters}:`)
      .replace(/^VPC_IDS:/, `--vpc-ids ${vpcIds}:`);
    throw new CliError(what, '"all" or a comma-separated list; nothing was changed');
  }
}

/** `--clusters` and `--vpc-ids`, defaulting to CLUSTERS and VPC_IDS like the deployed functions. */
export function withScopeOptions(command: Command): Command {
  return command
    .option(
      '--clusters <list>',
      'clusters in scope ("all" or comma-separated)',
      process.env.CLUSTERS ?? 'all',
    )
    .option(
      '--vpc-ids <list>',
      'VPCs in scope ("all" or comma-separated)',
      process.env.VPC_IDS ?? 'all',
    );
}
