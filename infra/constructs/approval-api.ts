import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnRoute, type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ApprovalApiProps {
  /** The function that renders and decides approval pages. */
  readonly handler: IFunction;
  /** The function behind the operator API (the response team's facts), reached with IAM credentials only. */
  readonly operatorHandler: IFunction;
  /**
   * Steady-state requests per second across the API; approvers are few, scanners and attackers are not.
   * @default 10
   */
  readonly rateLimit?: number;
  /** @default 20 */
  readonly burstLimit?: number;
  /** The public question form of an incident (GET serves it, POST stores a question); none: no route. */
  readonly questionHandler?: IFunction;
  /** The page where an asker confirms the address the answer goes to (GET shows, POST confirms); none: no route. */
  readonly confirmationHandler?: IFunction;
}

/** The public question form of an incident. */
export const QUESTIONS_PATH = '/questions/{incidentId}';
/**
 * The question form's routes, per second across all clients: a backstop for cost and concurrency, not the
 * defence. API Gateway throttles an HTTP API per route, for everyone at once, so a low limit let one client
 * close the form to all; AWS WAF's per-address rate rules would fit, but WAF protects REST APIs, not HTTP
 * APIs (https://docs.aws.amazon.com/waf/latest/APIReference/Welcome.html). The defence is the function's
 * own limit per client and its per-incident budgets (functions/domain/question-form.ts FORM_LIMITS).
 */
export const QUESTION_ROUTE_THROTTLE = { rateLimit: 100, burstLimit: 200 };

/** Path of the operator API's facts resource; `{id}` is the incident id. */
export const OPERATOR_FACTS_PATH = '/operator/incidents/{id}/facts';

/** An asker's address-confirmation link (the link id is the credential, as an approval link's). */
export const CONFIRM_PATH = '/confirm/{linkId}';

/** The operator API's routes: the team's facts, scope decisions, close now, redraft after a rejection, answers to customers' questions. */
export const OPERATOR_ROUTES: readonly { path: string; methods: readonly HttpMethod[] }[] = [
  { path: OPERATOR_FACTS_PATH, methods: [HttpMethod.GET, HttpMethod.PUT] },
  { path: '/operator/incidents/{id}/scope', methods: [HttpMethod.GET, HttpMethod.PUT] },
  { path: '/operator/incidents/{id}/close', methods: [HttpMethod.POST] },
  { path: '/operator/incidents/{id}/redraft', methods: [HttpMethod.POST] },
  { path: '/operator/incidents/{id}/questions/{questionId}/answer', methods: [HttpMethod.POST] },
];

/**
 * The HTTP API approvers reach from their email (GET/HEAD show, POST decides; the link is the
 * credential) and the response team's operator API (IAM-authorized). Access-logged and throttled.
 */
export class ApprovalApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** execute-api:Invoke on the operator routes and nothing else: attach it to the response team's role or permission set. */
  readonly operatorInvokePolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'breach-notice approval pages and operator API', createDefaultStage: false });
    const integration = new HttpLambdaIntegration('ApprovalPage', props.handler);
    this.api.addRoutes({ path: '/approvals/{linkId}', methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST], integration });
    if (props.questionHandler) {
      this.api.addRoutes({ path: QUESTIONS_PATH, methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST], integration: new HttpLambdaIntegration('QuestionForm', props.questionHandler) });
    }
    if (props.confirmationHandler) {
      this.api.addRoutes({ path: CONFIRM_PATH, methods: [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST], integration: new HttpLambdaIntegration('AddressConfirmation', props.confirmationHandler) });
    }
    // Only a SigV4-signed request whose principal may execute-api:Invoke the route reaches the function.
    const operatorIntegration = new HttpLambdaIntegration('OperatorApi', props.operatorHandler);
    for (const route of OPERATOR_ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [...route.methods], integration: operatorIntegration, authorizer: new HttpIamAuthorizer() });
    }
    // Written out rather than route.grantInvoke, which would grant every path below /operator/incidents/.
    this.operatorInvokePolicy = new ManagedPolicy(this, 'OperatorInvokePolicy', {
      description: "breach-notice: an incident's facts, scope decisions, close, redraft and answers through the operator API",
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: OPERATOR_ROUTES.flatMap((route) => route.methods.map((method) => this.api.arnForExecuteApi(method, route.path.replace(/\{\w+\}/g, '*')))),
        }),
      ],
    });
    // Kept a year for the approvals' audit; no client address in it (below).
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 10, burstLimit: props.burstLimit ?? 20 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The path carries the link id: log the route key, never the raw path. The caller is the IAM identity on operator
        // routes. No `$context.identity.sourceIp`: askers' and approvers' addresses are not kept here (the question form
        // logs its clients' keyed hashes; https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            userAgent: '$context.identity.userAgent',
            caller: '$context.identity.userArn',
            responseLatency: '$context.responseLatency',
          }),
        ),
      },
    });
    if (props.questionHandler) {
      // Route throttling: HttpStage has no per-route setting, so the stage's CloudFormation resource takes it. Each of the
      // form's routes gets the backstop: at the stage's default (10/s) a flood of GETs alone would keep forms from everyone.
      const stage = this.stage.node.defaultChild as CfnStage;
      const routeSettings = Object.fromEntries(
        // A JSON map: written with CloudFormation's property names.
        ['GET', 'HEAD', 'POST'].map((method) => [`${method} ${QUESTIONS_PATH}`, { ThrottlingRateLimit: QUESTION_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: QUESTION_ROUTE_THROTTLE.burstLimit }]),
      );
      stage.routeSettings = routeSettings;
      // API Gateway refuses settings for a route that does not exist yet ("Unable to find Route by key"),
      // and nothing else orders the two: without this CloudFormation may create the stage first.
      for (const key of Object.keys(routeSettings)) stage.addDependency(this.routeNamed(key));
    }
  }

  private routeNamed(routeKey: string): CfnRoute {
    const route = this.api.node.findAll().find((c): c is CfnRoute => c instanceof CfnRoute && c.routeKey === routeKey);
    if (!route) throw new Error(`No route ${routeKey} on the approval API for its stage's route settings`);
    return route;
  }

  /** Base URL of the approval pages and the operator API, without a trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
