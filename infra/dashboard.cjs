'use strict';
/**
 * The operations dashboard: the EMF metrics the functions write (namespace `netledger`, names in
 * functions/shared/metric-names.ts; the package test checks they agree), Lambda's own errors and
 * durations, and the dead-letter queue depths.
 */

const NAMESPACE = 'netledger';
const SERVICE = ['service', 'netledger'];
const FUNCTIONS = ['InstanceState', 'EniActivity', 'ElbActivity', 'Sweep', 'Notify'];

const ours = (name, stat, label) => [NAMESPACE, name, ...SERVICE, { stat, label }];

/** One metric per value of a dimension nobody knows at deploy time (clusters, alert kinds). */
const search = (name, dimension, stat) => ({
  expression: `SEARCH('{${NAMESPACE},service,${dimension}} MetricName="${name}"', '${stat}', 300)`,
  label: '',
});

function widget(title, y, x, metrics, extra = {}) {
  return {
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: {
      title,
      region: '${AWS::Region}',
      period: 300,
      view: 'timeSeries',
      metrics,
      ...extra,
    },
  };
}

function body() {
  return {
    widgets: [
      widget('Events by outcome', 0, 0, [
        ours('EventsApplied', 'Sum', 'applied'),
        ours('EventsDuplicate', 'Sum', 'duplicate'),
        ours('EventsStale', 'Sum', 'stale'),
        ours('EventsIgnored', 'Sum', 'ignored'),
        ours('EventsParked', 'Sum', 'parked'),
      ]),
      widget(
        'Dead-letter queue depth',
        0,
        12,
        FUNCTIONS.map((fn) => [
          'AWS/SQS',
          'ApproximateNumberOfMessagesVisible',
          'QueueName',
          `\${${fn}DeadLetterQueue.QueueName}`,
          { stat: 'Maximum', label: fn },
        ]),
      ),
      widget('Minimum free addresses in any subnet', 6, 0, [
        ours('MinSubnetFreeAddresses', 'Minimum', 'free addresses'),
      ]),
      widget('Minimum pod headroom per cluster', 6, 12, [
        [search('MinPodHeadroom', 'Cluster', 'Minimum')],
      ]),
      widget('Open alerts by kind', 12, 0, [[search('OpenAlerts', 'Kind', 'Maximum')]]),
      widget('Sweep: repairs and failed parts', 12, 12, [
        ours('SweepNetworkRepairs', 'Sum', 'network repairs'),
        ours('SweepLoadBalancerRepairs', 'Sum', 'load-balancer repairs'),
        ours('SweepFailedParts', 'Sum', 'failed parts'),
      ]),
      widget('Sweep duration (seconds)', 18, 0, [
        ours('SweepDurationSeconds', 'Maximum', 'duration'),
      ]),
      widget('Free addresses per subnet (usage sampling)', 24, 0, [
        [search('SubnetAddressesFree', 'SubnetId', 'Minimum')],
        [search('SubnetAddressesUsed', 'SubnetId', 'Maximum')],
      ]),
      widget('Hours to subnet exhaustion, where rising', 24, 12, [
        [search('SubnetHoursToExhaustion', 'SubnetId', 'Minimum')],
      ]),
      widget('Node group pod slots (usage sampling)', 30, 0, [
        [search('NodeGroupSlotsFree', 'NodeGroup', 'Minimum')],
        [search('NodeGroupSlotsUsed', 'NodeGroup', 'Maximum')],
      ]),
      widget(
        'Handler errors',
        18,
        12,
        FUNCTIONS.map((fn) => [
          'AWS/Lambda',
          'Errors',
          'FunctionName',
          `\${${fn}LambdaFunction}`,
          { stat: 'Sum', label: fn },
        ]),
      ),
    ],
  };
}

module.exports = async () => ({
  Resources: {
    OperationsDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardBody: { 'Fn::Sub': JSON.stringify(body()) },
      },
    },
  },
});
