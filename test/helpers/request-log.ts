import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type RequestInput = Record<string, unknown>;

let watchers = 0;

/**
 * Calls `see` with each request the client sends (its command without `Command`, and its
 * input) before it leaves. At `initialize` the input is as the document client built it; at
 * `build` it is marshalled (`{ S: ... }`).
 */
export function watchRequests(
  client: DynamoDBClient,
  see: (command: string, input: RequestInput) => void,
  step: 'initialize' | 'build' = 'initialize',
): void {
  watchers += 1;
  const name = `requestWatcher${watchers}`;
  const report = (context: { commandName?: string }, input: unknown) =>
    see(String(context.commandName).replace(/Command$/, ''), input as RequestInput);
  // Two calls, as the stack types each step's middleware apart.
  if (step === 'build') {
    client.middlewareStack.add(
      (next, context) => (args) => {
        report(context, args.input);
        return next(args);
      },
      { step, name },
    );
  } else {
    client.middlewareStack.add(
      (next, context) => (args) => {
        report(context, args.input);
        return next(args);
      },
      { step, name },
    );
  }
}

/**
 * The read requests the client sends, in order: `GetItem`, `BatchGetItem`, or a query named by
 * its index and the kind of key it asks (`Query GSI3 IP`, `Query table ENI`).
 */
export function recordReads(client: DynamoDBClient): string[] {
  const reads: string[] = [];
  watchRequests(client, (command, input) => {
    if (!/^(Get|BatchGet|Query|Scan)/.test(command)) return;
    if (command !== 'Query') {
      reads.push(command);
      return;
    }
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const kind = String(values[':pk'] ?? '').split('#')[0];
    reads.push(`Query ${String(input.IndexName ?? 'table')} ${kind}`);
  });
  return reads;
}

/** The partition keys each write request (a transaction: each of its items) writes, in order. */
export function recordWrites(client: DynamoDBClient): string[][] {
  const writes: string[][] = [];
  const keyOf = (i: RequestInput) =>
    String(((i.Key ?? i.Item) as { PK?: { S?: string } } | undefined)?.PK?.S);
  watchRequests(
    client,
    (command, input) => {
      if (command === 'TransactWriteItems') {
        const items = input.TransactItems as Record<string, RequestInput>[];
        writes.push(items.map((t) => keyOf(Object.values(t)[0] ?? {})));
      } else if (['PutItem', 'UpdateItem', 'DeleteItem'].includes(command)) {
        writes.push([keyOf(input)]);
      }
    },
    'build',
  );
  return writes;
}
