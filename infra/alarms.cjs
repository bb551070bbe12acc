'use strict';
/**
 * CloudWatch alarms: each function's dead-letter queue depth and handler errors.
 *
 * A generator rather than a JSON fragment because the alarm actions depend on the
 * `alarmTopicArn` param, which osls resolves at package time: deciding here ships no
 * CloudFormation condition that could never change (cfn-lint W8003) and no `[""]`
 * action list (E3033).
 */

const FUNCTIONS = ['InstanceState', 'EniActivity', 'ElbActivity', 'Sweep', 'Notify'];

/** `{ AlarmActions, OKActions }` for the topic, or nothing when no topic is configured. */
function actions(topicArn) {
  return topicArn ? { AlarmActions: [topicArn], OKActions: [topicArn] } : {};
}

function deadLetterAlarm(fn, topicArn) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `netledger: events that ${fn} failed to process are waiting in its dead-letter queue`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [`${fn}DeadLetterQueue`, 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ...actions(topicArn),
    },
  };
}

function errorsAlarm(fn, topicArn) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `netledger: the ${fn} function is failing (retries follow; see its logs)`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${fn}LambdaFunction` } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ...actions(topicArn),
    },
  };
}

/**
 * A sweep that needs more than half its timeout is one bad day (a throttled Route53, a few more
 * load balancers) away from timing out, and a timed-out sweep repairs only part of the ledger.
 */
function slowSweepAlarm(timeoutSeconds, topicArn) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `netledger: a sweep ran longer than half its ${timeoutSeconds} s timeout`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'SweepLambdaFunction' } }],
      Statistic: 'Maximum',
      Period: 900,
      EvaluationPeriods: 1,
      Threshold: (timeoutSeconds * 1000) / 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...actions(topicArn),
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const topicArn = String((await resolveVariable('param:alarmTopicArn')) ?? '').trim();
  const sweepTimeout = Number(await resolveVariable('self:functions.sweep.timeout'));
  const Resources = {};
  for (const fn of FUNCTIONS) {
    Resources[`${fn}DeadLetterAlarm`] = deadLetterAlarm(fn, topicArn);
    Resources[`${fn}ErrorsAlarm`] = errorsAlarm(fn, topicArn);
  }
  Resources.SlowSweepAlarm = slowSweepAlarm(sweepTimeout, topicArn);
  return { Resources };
};
