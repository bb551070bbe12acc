// Starts DynamoDB Local and moto server the way the CLI does, prints their pids as one JSON
// line, then waits to be killed: the reaping test kills it in every way an operator can.
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startMoto } from '#local/moto-server.ts';

const [db, moto] = await Promise.all([startDynamoDbLocal(), startMoto()]);
const pids = [db.pid, moto.pid];
process.stdout.write(`${JSON.stringify({ db: db.endpoint, moto: moto.endpoint, pids })}\n`);
setInterval(() => undefined, 60_000);
