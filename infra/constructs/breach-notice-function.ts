import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BreachNoticeFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
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
 * knows, arm64, active X-Ray tracing, its own log group with retention, Powertools settings, and an
 * ESM bundle that keeps class names (the state machine matches errors by name).
 */
export class BreachNoticeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: BreachNoticeFunctionProps) {
    const { handlerName, logRetention, environment, bundling, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: logRetention ?? RetentionDays.ONE_YEAR });
    super(scope, id, {
      entry: join(ROOT, 'functions', 'handlers', `${handlerName}.ts`),
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: 512,
      timeout: Duration.seconds(30),
      logGroup,
      ...rest,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'breach-notice',
        POWERTOOLS_METRICS_NAMESPACE: 'BreachNotice',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        sourceMap: true,
        keepNames: true,
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some bundled CommonJS dependencies call require(); ESM output needs it defined.
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        ...bundling,
      },
    });
  }
}
