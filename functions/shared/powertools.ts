import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process; handlers attach the Lambda context with injectLambdaContext. */
export const logger = new Logger({ serviceName: 'netledger' });
