/**
 * What AWS answers when it is busy or failing, per service and in each service's own wire
 * protocol, so the SDK's retry strategy classifies the answer as it would AWS's: throttling
 * by error code (@smithy/service-error-classification THROTTLING_ERROR_CODES), a transient
 * fault by its 5xx status.
 */
export type FaultKind = 'throttle' | 'server-error';

export interface FaultAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** The SigV4 signing names of the services whose requests the fault suite may fail. */
export const FAULTED_SERVICES = [
  'ec2',
  'elasticloadbalancing',
  'route53',
  'sns',
  'dynamodb',
] as const;
export type FaultedService = (typeof FAULTED_SERVICES)[number];

export function isFaultedService(service: string): service is FaultedService {
  return (FAULTED_SERVICES as readonly string[]).includes(service);
}

export function faultAnswer(
  service: FaultedService,
  kind: FaultKind,
  requestId: string,
): FaultAnswer {
  switch (service) {
    case 'ec2':
      // EC2's query protocol: <Response><Errors>, and RequestLimitExceeded comes as a 503.
      return kind === 'throttle'
        ? ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.', requestId)
        : ec2Error(500, 'InternalError', 'An internal error has occurred.', requestId);
    case 'dynamodb':
      return kind === 'throttle'
        ? dynamoError(
            400,
            'ThrottlingException',
            'Rate of requests exceeds the allowed throughput.',
          )
        : dynamoError(500, 'InternalServerError', 'Internal server error');
    default:
      // ELBv2 and SNS (awsQuery) and Route53 (restXml) share the ErrorResponse document.
      return kind === 'throttle'
        ? queryError(400, 'Sender', 'Throttling', 'Rate exceeded', requestId)
        : queryError(503, 'Receiver', 'ServiceUnavailable', 'Service is unavailable', requestId);
  }
}

function ec2Error(status: number, code: string, message: string, requestId: string): FaultAnswer {
  return {
    status,
    contentType: 'text/xml;charset=UTF-8',
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
  };
}

function queryError(
  status: number,
  type: string,
  code: string,
  message: string,
  requestId: string,
): FaultAnswer {
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

function dynamoError(status: number, code: string, message: string): FaultAnswer {
  return {
    status,
    contentType: 'application/x-amz-json-1.0',
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }),
  };
}
