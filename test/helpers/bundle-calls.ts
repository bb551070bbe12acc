import { join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '#test/helpers/package-once.ts';

/** SDK packages whose commands map one to one onto IAM actions of this prefix. */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-lambda': 'lambda',
};

/** The document client's commands are named after the item, not the IAM action. */
const DOCUMENT_CLIENT_ACTIONS: Readonly<Record<string, string>> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
};

/**
 * Transactions have no IAM action of their own: each item's operation is authorized as the
 * single-item call it stands for, and a ConditionCheck as dynamodb:ConditionCheckItem.
 */
const TRANSACTION_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  TransactWriteCommand: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  TransactGetCommand: ['dynamodb:GetItem'],
  TransactWriteItemsCommand: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  TransactGetItemsCommand: ['dynamodb:GetItem'],
};

/** Library entry points that make SDK calls on the code's behalf (`package:export`). */
const LIBRARY_CALLS: Readonly<Record<string, readonly string[]>> = {
  // The notify handler reads one SecureString with SSMProvider.get (GetParameter, decrypted).
  '@aws-lambda-powertools/parameters/ssm:SSMProvider': ['ssm:GetParameter'],
};

export class UnmappedSdkCallError extends Error {
  override readonly name = 'UnmappedSdkCallError';
}

/**
 * The IAM actions a function's bundle can call: its entry bundled as serverless-esbuild does
 * (tree-shaken ESM), with node_modules left as imports so the SDK commands stay visible by
 * name, then every imported command the remaining code still references. An import the
 * tree-shaking left unused (a client module another handler needs) calls nothing.
 */
export async function actionsCalledBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const body = code.replace(/^import\s[^;]*;$/gm, '');
  const actions = new Set<string>();
  for (const m of code.matchAll(/^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";$/gm)) {
    const [, names = '', pkg = ''] = m;
    for (const spec of names.split(',')) {
      const [name = '', local = name] = spec.trim().split(/\s+as\s+/);
      if (!name || !new RegExp(`\\b${local}\\b`).test(body)) continue;
      for (const action of actionsOf(pkg, name)) actions.add(action);
    }
  }
  return [...actions].sort();
}

function actionsOf(pkg: string, name: string): readonly string[] {
  const library = LIBRARY_CALLS[`${pkg}:${name}`];
  if (library) return library;
  if (!pkg.startsWith('@aws-sdk/') || !name.endsWith('Command')) return [];
  const transaction = pkg.includes('dynamodb') ? TRANSACTION_ACTIONS[name] : undefined;
  if (transaction) return transaction;
  const action =
    pkg === '@aws-sdk/lib-dynamodb'
      ? DOCUMENT_CLIENT_ACTIONS[name]
      : IAM_PREFIX[pkg] && `${IAM_PREFIX[pkg]}:${name.slice(0, -'Command'.length)}`;
  if (!action) throw new UnmappedSdkCallError(`no IAM action known for ${name} from ${pkg}`);
  return [action];
}
