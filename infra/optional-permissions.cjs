'use strict';
/**
 * The policies of infra/optional-permissions.json whose feature is on: Route53 while
 * `dnsZones` is set, ModifyTargetGroupAttributes while `driftRemediate` is true. Params
 * are resolved at package time, so the choice is made here instead of shipping
 * CloudFormation conditions on constants (cfn-lint W8003).
 */
const fragment = require('./optional-permissions.json');

module.exports = async ({ resolveVariable }) => {
  const param = async (name) => String((await resolveVariable(`param:${name}`)) ?? '').trim();
  const on = {
    DnsSyncPolicy: (await param('dnsZones')) !== '',
    DriftRemediationPolicy: (await param('driftRemediate')) === 'true',
  };
  const Resources = {};
  for (const [id, resource] of Object.entries(fragment.Resources)) {
    if (on[id]) Resources[id] = resource;
  }
  return { Resources };
};
