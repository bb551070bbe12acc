import { describe, expect, test } from 'vitest';
import {
  classifyTargetId,
  clusterOf,
  ipTargetKey,
  stackOf,
  targetGroupNameFromArn,
} from '#core/targets/target-group.ts';

// How target ids, LB controller tags and target group ARNs are read: small decisions every
// ELB event and sweep depends on.

describe('classifyTargetId', () => {
  test.each<[string, ReturnType<typeof classifyTargetId>]>([
    ['i-0a1b2c3d', { type: 'instance', instanceId: 'i-0a1b2c3d' }],
    ['i-0a1b2c3d4e5f60718', { type: 'instance', instanceId: 'i-0a1b2c3d4e5f60718' }],
    ['i-0a1b2c3', undefined],
    ['i-0a1b2c3d4e5f607189', undefined],
    ['i-0A1B2C3D', undefined],
    ['xi-0a1b2c3d', undefined],
    [
      'arn:aws:lambda:us-east-1:111122223333:function:f',
      { type: 'arn', arn: 'arn:aws:lambda:us-east-1:111122223333:function:f' },
    ],
    ['10.0.1.5', { type: 'ip', ip: '10.0.1.5' }],
    ['2600:1f18::5', { type: 'ip', ip: '2600:1f18::5' }],
    ['10.1', undefined],
    ['0x0a.0.0.1', undefined],
    ['not-a-target', undefined],
    ['', undefined],
  ])('%j', (id, expected) => {
    expect(classifyTargetId(id)).toStrictEqual(expected);
  });
});

describe('LB controller tags and ARNs', () => {
  test.each<[Record<string, string>, string | undefined]>([
    [{ 'service.k8s.aws/stack': 'default/web' }, 'default/web'],
    [{ 'ingress.k8s.aws/stack': 'shop' }, 'shop'],
    [{ 'service.k8s.aws/stack': 'default/web', 'ingress.k8s.aws/stack': 'shop' }, 'default/web'],
    [{}, undefined],
  ])('stackOf(%j) = %s', (tags, stack) => {
    expect(stackOf(tags)).toBe(stack);
  });

  test('clusterOf reads elbv2.k8s.aws/cluster', () => {
    expect(clusterOf({ 'elbv2.k8s.aws/cluster': 'blue' })).toBe('blue');
    expect(clusterOf({ 'kubernetes.io/cluster/blue': 'owned' })).toBeUndefined();
  });

  test.each([
    [
      'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/k8s-web-abc/0a1b2c',
      'k8s-web-abc',
    ],
    ['arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/0a1b', undefined],
    ['targetgroup/no-colon/0a1b', undefined],
  ])('targetGroupNameFromArn(%s) = %s', (arn, name) => {
    expect(targetGroupNameFromArn(arn)).toBe(name);
  });

  test('an IP target is keyed by target group, IP and port', () => {
    expect(ipTargetKey('arn:tg', '10.0.1.5', 8080)).toBe('arn:tg|10.0.1.5:8080');
  });
});
