import type { Scope } from '#core/events/scope.ts';
import { loadConfig } from '#shared/config.ts';

/** Local mode validates scope with the same rules as the deployed functions (ConfigError on bad input). */
export function scopeOption(clusters: string, vpcIds: string): Scope {
  return loadConfig({ TABLE_NAME: 'local', CLUSTERS: clusters, VPC_IDS: vpcIds }).scope;
}
