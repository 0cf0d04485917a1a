import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnRoute, type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionDescriptor, type FunctionName } from '../functions.js';
import type { BreachNoticeFunction } from './breach-notice-function.js';

/** A path of the API, as API Gateway writes it, with the methods it answers. */
export interface ApiRoute {
  readonly path: string;
  readonly methods: readonly HttpMethod[];
}

export interface ApprovalApiProps {
  /** The function that renders and decides approval pages. */
  readonly handler: BreachNoticeFunction;
  /** The function behind the operator API (the response team's facts), reached with IAM credentials only. */
  readonly operatorHandler: BreachNoticeFunction;
  /**
   * Steady-state requests per second across the API; approvers are few, scanners and attackers are not.
   * @default 10
   */
  readonly rateLimit?: number;
  /** @default 20 */
  readonly burstLimit?: number;
  /** The public question form of an incident (GET serves it, POST stores a question); none: no route. */
  readonly questionHandler?: BreachNoticeFunction;
  /** The page where an asker confirms the address the answer goes to (GET shows, POST confirms); none: no route. */
  readonly confirmationHandler?: BreachNoticeFunction;
}

/**
 * The question form's routes, per second across all clients: a backstop for cost and concurrency, not the
 * defence. API Gateway throttles an HTTP API per route, for everyone at once, so a low limit let one client
 * close the form to all; AWS WAF's per-address rate rules would fit, but WAF protects REST APIs, not HTTP
 * APIs (https://docs.aws.amazon.com/waf/latest/APIReference/Welcome.html). The defence is the function's
 * own limit per client and its per-incident budgets (functions/domain/question-form.ts FORM_LIMITS).
 */
export const QUESTION_ROUTE_THROTTLE = { rateLimit: 100, burstLimit: 200 };

/**
 * The HTTP API approvers reach from their email (GET/HEAD show, POST decides; the link is the
 * credential) and the response team's operator API (IAM-authorized). Access-logged and throttled.
 */
export class ApprovalApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** execute-api:Invoke on the operator routes and nothing else: attach it to the response team's role or permission set. */
  readonly operatorInvokePolicy: ManagedPolicy;
  /** The operator API's routes, which the invoke policy covers. */
  readonly operatorRoutes: readonly ApiRoute[];

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'breach-notice approval pages and operator API', createDefaultStage: false });
    // Each function's routes as its descriptor lists them (infra/functions.ts).
    this.addRoutesOf('ApprovalPage', props.handler);
    const questionRoutes = props.questionHandler ? this.addRoutesOf('QuestionForm', props.questionHandler) : [];
    if (props.confirmationHandler) this.addRoutesOf('AddressConfirmation', props.confirmationHandler);
    this.operatorRoutes = this.addRoutesOf('OperatorApi', props.operatorHandler);
    // Written out rather than route.grantInvoke, which would grant every path below /operator/incidents/.
    this.operatorInvokePolicy = new ManagedPolicy(this, 'OperatorInvokePolicy', {
      description: 'breach-notice: each route of the operator API (facts, scope decisions, close, redraft, answers, resume sending)',
      statements: [
        new PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: this.operatorRoutes.flatMap((route) =>
            route.methods.map((method) => this.api.arnForExecuteApi(method, route.path.replace(/\{\w+\}/g, '*'))),
          ),
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
    if (questionRoutes.length > 0) {
      // Route throttling: HttpStage has no per-route setting, so the stage's CloudFormation resource takes it. Each of the
      // form's routes gets the backstop: at the stage's default (10/s) a flood of GETs alone would keep forms from everyone.
      const stage = this.stage.node.defaultChild as CfnStage;
      const routeSettings = Object.fromEntries(
        // A JSON map: written with CloudFormation's property names.
        questionRoutes.flatMap((route) =>
          route.methods.map((method) => [
            `${method} ${route.path}`,
            { ThrottlingRateLimit: QUESTION_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: QUESTION_ROUTE_THROTTLE.burstLimit },
          ]),
        ),
      );
      stage.routeSettings = routeSettings;
      // API Gateway refuses settings for a route that does not exist yet ("Unable to find Route by key"),
      // and nothing else orders the two: without this CloudFormation may create the stage first.
      for (const key of Object.keys(routeSettings)) stage.addDependency(this.routeNamed(key));
    }
  }

  /** Adds the routes `fn`'s descriptor lists, behind one integration named `integrationId`; an IAM route needs a SigV4-signed caller allowed to invoke it. */
  private addRoutesOf(integrationId: string, fn: BreachNoticeFunction): ApiRoute[] {
    const http = (FUNCTIONS[fn.handlerName as FunctionName] as FunctionDescriptor).http;
    if (!http) throw new Error(`${fn.handlerName} serves no route of the HTTP API (no \`http\` in its descriptor, infra/functions.ts)`);
    const integration = new HttpLambdaIntegration(integrationId, fn);
    const routes = Object.entries(http.routes).map(([path, methods]) => ({ path, methods: methods.map((method) => HttpMethod[method]) }));
    for (const route of routes) {
      this.api.addRoutes({ ...route, integration, ...(http.authorization === 'AWS_IAM' && { authorizer: new HttpIamAuthorizer() }) });
    }
    return routes;
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
