import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * How every function is bundled (local esbuild; local/twin/function-bundles.ts builds the same, and
 * tests/infra/bundle-size.test.ts holds each bundle to its budget and that build to CDK's).
 * - ESM, minified (half the size), class names kept: the state machine matches errors by name.
 * - The AWS SDK is bundled, not taken from the Lambda runtime: the runtime's SDK is whatever version
 *   AWS ships and updates on its own, while every test here runs the SDK versions package.json pins,
 *   and the ledger's exactly-once handling depends on how the SDK reports errors. It costs ~470 KB a
 *   bundle, which the runtime's copy would also cost at init (loaded from /var/runtime instead).
 * - Zod is imported as `import * as z` everywhere (functions/shared/event-schemas.ts for the
 *   Powertools schemas) so esbuild keeps only what is used: `import { z }` keeps all of it (~460 KB).
 */
export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  // Non-ASCII text (the zh-CN and es catalogues) as UTF-8 rather than esbuild's default \uXXXX escapes:
  // a Chinese character takes 3 bytes instead of 6, about 14 KB less in each bundle that carries the
  // catalogues. Passed as an argument: this aws-cdk-lib declares `charset` but its bundler never passes it on.
  esbuildArgs: { '--charset': 'utf8' },
  sourceMap: true,
  keepNames: true,
  externalModules: [],
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

export interface BreachNoticeFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'role' | 'logGroup'> {
  /** Handler module under `functions/handlers/`, without extension. */
  readonly handlerName: string;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
}

/**
 * The defaults every breach-notice function shares: the newest Node.js runtime this aws-cdk-lib
 * knows, arm64, active X-Ray tracing that records neither responses nor error details, its own log
 * group with retention and a role that may write to that group only, Powertools settings, and an
 * ESM bundle that keeps class names (the state machine matches errors by name).
 */
export class BreachNoticeFunction extends NodejsFunction {
  /** The handler module it runs, which names its descriptor in infra/functions.ts. */
  readonly handlerName: string;

  constructor(scope: Construct, id: string, props: BreachNoticeFunctionProps) {
    // Taken out of the spread: an explicit `timeout: undefined` there would override the defaults below.
    const { handlerName, logRetention, environment, bundling, timeout, memorySize, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention ?? RetentionDays.ONE_YEAR });
    // Instead of AWSLambdaBasicExecutionRole, which lets a function write to every log group in the account.
    const role = new Role(scope, `${id}ServiceRole`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: join(ROOT, 'functions', 'handlers', `${handlerName}.ts`),
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      ...rest,
      memorySize: memorySize ?? 512,
      timeout: timeout ?? Duration.seconds(30),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'breach-notice',
        POWERTOOLS_METRICS_NAMESPACE: 'BreachNotice',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
        // After the caller's variables, so no function can turn them back on: a response (the approval
        // page's Set-Cookie path holds the link id) or an error message would be kept in X-Ray.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
      },
      bundling: { ...FUNCTION_BUNDLING, ...bundling },
    });
    this.handlerName = handlerName;
  }
}
