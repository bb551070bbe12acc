/**
 * Who makes each call, as CloudTrail names them: the identities of the seeds' actors. The
 * account id is moto's (123456789012), so the records agree with the ARNs moto returns.
 */
export const ACCOUNT = '123456789012';

export interface Actor {
  readonly userIdentity: Record<string, unknown>;
  readonly userAgent: string;
  readonly sourceIPAddress: string;
  readonly extra?: Record<string, unknown>;
}

const role = (name: string, session: string, extra: Record<string, unknown> = {}) => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLE${name
    .replace(/[^A-Z0-9]/gi, '')
    .slice(0, 12)
    .toUpperCase()}:${session}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: `AROAEXAMPLE${name
        .replace(/[^A-Z0-9]/gi, '')
        .slice(0, 12)
        .toUpperCase()}`,
      arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      accountId: ACCOUNT,
      userName: name,
    },
    ...extra,
  },
});

/** The node group's Auto Scaling service role launches and terminates nodes. */
export function autoScaling(): Actor {
  return {
    userIdentity: {
      ...role('AWSServiceRoleForAutoScaling', 'AutoScaling'),
      invokedBy: 'autoscaling.amazonaws.com',
    },
    userAgent: 'autoscaling.amazonaws.com',
    sourceIPAddress: 'autoscaling.amazonaws.com',
  };
}

/** The VPC CNI's ipamd calls EC2 with the node's instance role, from the node's address. */
export function ipamd(cluster: string, instanceId: string, nodeIp: string): Actor {
  return {
    userIdentity: role(`${cluster}-node-role`, instanceId, { ec2RoleDelivery: '2.0' }),
    userAgent:
      'amazon-vpc-cni-k8s/v1.19.2 aws-sdk-go-v2/1.32.7 os/linux lang/go#1.23.4 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.198.1',
    sourceIPAddress: nodeIp,
  };
}

/** The AWS Load Balancer Controller, through IRSA. */
export function lbController(cluster: string): Actor {
  return {
    userIdentity: role(
      `eksctl-${cluster}-addon-iamserviceaccount-kube-sys-Role1`,
      '1795254062318440457',
      {
        webIdFederationData: {
          federatedProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/5E8B2A4C9D1F3E7A6B0C8D2E4F6A1B3C`,
          attributes: {},
        },
      },
    ),
    userAgent:
      'elbv2.k8s.aws/v2.8.2 aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/elasticloadbalancingv2#1.34.0',
    sourceIPAddress: '3.35.140.27',
  };
}

/** EKS itself, placing the private API endpoint's ENIs in the cluster's subnets. */
export function eksService(cluster: string): Actor {
  return {
    userIdentity: {
      ...role('AWSServiceRoleForAmazonEKS', `EKS-${cluster}`),
      invokedBy: 'eks.amazonaws.com',
    },
    userAgent: 'eks.amazonaws.com',
    sourceIPAddress: 'eks.amazonaws.com',
  };
}

/** A person in the AWS console. */
export function consoleUser(name: string): Actor {
  return {
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDAEXAMPLE${name.toUpperCase()}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIAEXAMPLE${name.toUpperCase()}`,
      userName: name,
      sessionContext: { attributes: { mfaAuthenticated: 'true' } },
    },
    userAgent: 'console.amazonaws.com',
    sourceIPAddress: '198.51.100.23',
    extra: { sessionCredentialFromConsole: 'true' },
  };
}
