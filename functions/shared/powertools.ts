import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One of each per execution environment. The tracer switches itself off
 * outside Lambda; local mode and tests set POWERTOOLS_METRICS_DISABLED.
 */
export const logger = new Logger({ serviceName: 'netledger' });
export const metrics = new Metrics({ namespace: 'netledger', serviceName: 'netledger' });
export const tracer = new Tracer({ serviceName: 'netledger' });
