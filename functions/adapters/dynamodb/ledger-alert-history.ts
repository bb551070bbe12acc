import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { toRecord } from '#adapters/dynamodb/ledger-alerts.ts';
import { keys } from '#adapters/dynamodb/ledger-keys.ts';
import type { Item } from '#adapters/dynamodb/ledger-table.ts';
import type { AlertRecord } from '#core/alerts/alert-lifecycle.ts';

/**
 * Every alert the table still holds, open and resolved: a scan, for the local report's
 * timeline only. Kept apart from DynamoAlertStore so no Lambda bundle (nor its role) carries
 * dynamodb:Scan.
 */
export async function listAllAlerts(
  db: DynamoDBDocumentClient,
  tableName: string,
): Promise<AlertRecord[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(PK, :alert) AND SK = :sk',
        ExpressionAttributeValues: { ':alert': 'ALERT#', ':sk': keys.alert('', '').SK },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((page.Items as Item[] | undefined) ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items.map(toRecord);
}
