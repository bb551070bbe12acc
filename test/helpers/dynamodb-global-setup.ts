import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../bin/local/dynamodb-local.ts';

/** One in-memory DynamoDB Local for the whole run; each test file makes its own table. */
export default async function setup(project: TestProject) {
  // Generous: on a shared 2-core machine under load the JVM can take well over 30 s to answer.
  const db = await startDynamoDbLocal({ readyTimeoutMs: 180_000 });
  project.provide('dynamoEndpoint', db.endpoint);
  return async () => {
    await db.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
