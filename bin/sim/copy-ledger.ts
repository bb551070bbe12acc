import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Copies every item of one ledger table into another. A simulation runs on an in-memory
 * DynamoDB Local (about twice as fast as the file-backed one under load), then leaves its
 * ledger under .netledger/ so `report` and `dns plan` can read it afterwards.
 */
export async function copyLedger(
  from: { db: DynamoDBDocumentClient; tableName: string },
  to: { db: DynamoDBDocumentClient; tableName: string },
): Promise<number> {
  let copied = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await from.db.send(
      new ScanCommand({ TableName: from.tableName, ExclusiveStartKey: start }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests: Array<{ PutRequest: { Item: Record<string, unknown> } }> = items
        .slice(i, i + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      // BatchWrite may leave some items unprocessed; send them again until none are left.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 10) throw new Error('DynamoDB Local kept items unprocessed');
        const out = await to.db.send(
          new BatchWriteCommand({ RequestItems: { [to.tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[to.tableName] ?? []) as typeof requests;
      }
    }
    copied += items.length;
    start = page.LastEvaluatedKey;
  } while (start);
  return copied;
}
