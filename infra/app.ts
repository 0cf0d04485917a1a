import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseAppConfig } from './config.js';
import { BreachNoticeStack } from './stack.js';

const app = new App();
const config = parseAppConfig((key) => app.node.tryGetContext(key));
new BreachNoticeStack(app, 'BreachNotice', {
  config,
  description: 'breach-notice: customer communication after a security incident',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
