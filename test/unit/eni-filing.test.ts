import { describe, expect, test } from 'vitest';
import { type EniFiling, eniFiling, keepsNodeAfterDetach } from '#core/network/eni-filing.ts';
import type { ConsumerKind, EniAttachment } from '#core/network/network.ts';

describe('eniFiling: which node an ENI is filed under', () => {
  const attachment: EniAttachment = { instanceId: 'i-2', attachmentId: 'eni-attach-1' };
  test.each<[string, EniAttachment | undefined, string | undefined, EniFiling]>([
    ['attached: under its instance', attachment, undefined, { by: 'attachment', attachment }],
    [
      'attached elsewhere than made for: the attachment wins',
      attachment,
      'i-1',
      { by: 'attachment', attachment },
    ],
    [
      'not attached, made for a node: under that node',
      undefined,
      'i-1',
      { by: 'made-for', instanceId: 'i-1' },
    ],
    [
      'an attachment without an instance id is none',
      { instanceId: '', attachmentId: 'eni-attach-2' },
      'i-1',
      { by: 'made-for', instanceId: 'i-1' },
    ],
    ['neither: under no node', undefined, undefined, { by: 'none' }],
  ])('%s', (_name, att, madeFor, expected) => {
    expect(eniFiling(att, madeFor)).toEqual(expected);
  });
});

describe('keepsNodeAfterDetach', () => {
  test.each<[ConsumerKind, boolean]>([
    ['vpc-cni', true],
    ['node-primary', false],
    ['eks-control-plane', false],
    ['load-balancer', false],
    ['other', false],
  ])('%s -> %s', (kind, keeps) => {
    expect(keepsNodeAfterDetach(kind)).toBe(keeps);
  });
});
