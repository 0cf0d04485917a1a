import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ApprovalApiProps {
  /** The function that renders and decides approval pages. */
  readonly handler: IFunction;
  /**
   * Steady-state requests per second across the API; approvers are few, scanners and attackers are not.
   * @default 10
   */
  readonly rateLimit?: number;
  /** @default 20 */
  readonly burstLimit?: number;
}

/** The HTTP API approvers reach from their email: GET/HEAD show, POST decides. Access-logged and throttled. */
export class ApprovalApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'breach-notice approval pages', createDefaultStage: false });
    const integration = new HttpLambdaIntegration('ApprovalPage', props.handler);
    this.api.addRoutes({ path: '/approvals/{linkId}', methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST], integration });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 10, burstLimit: props.burstLimit ?? 20 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The path carries the link id: log the route key, never the raw path.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            userAgent: '$context.identity.userAgent',
            responseLatency: '$context.responseLatency',
          }),
        ),
      },
    });
  }

  /** Base URL of the approval pages, without a trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
