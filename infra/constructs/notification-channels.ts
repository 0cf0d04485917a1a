import { EventBus } from 'aws-cdk-lib/aws-events';
import { CfnTemplate, ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { allEmailTemplates } from '../../functions/domain/email-templates.js';

export interface NotificationChannelsProps {
  /** Prefix of the SES template names. */
  readonly templatePrefix: string;
  /** Key encrypting the topics. */
  readonly key: IKey;
}

/**
 * SES stored templates (first notice, update, final report; every locale) and a configuration set
 * honouring the account suppression list and publishing delivery events to EventBridge; SNS topics for the response team and downstream channels.
 */
export class NotificationChannels extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly responseTeamTopic: Topic;
  readonly publicChannelsTopic: Topic;
  readonly templateNames: string[];

  constructor(scope: Construct, id: string, props: NotificationChannelsProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    // Delivery evidence per recipient, on the default bus (the one SES publishes to:
    // https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html). The rule that consumes it is issue 19.
    this.configurationSet.addEventDestination('ToEventBridge', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
        EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    this.templateNames = allEmailTemplates(props.templatePrefix).map((t) => {
      new CfnTemplate(this, `Template-${t.name}`, { template: { templateName: t.name, subjectPart: t.subject, htmlPart: t.html, textPart: t.text } });
      return t.name;
    });
    this.responseTeamTopic = new Topic(this, 'ResponseTeamTopic', { displayName: 'breach-notice response team', masterKey: props.key, enforceSSL: true });
    this.publicChannelsTopic = new Topic(this, 'PublicChannelsTopic', { displayName: 'breach-notice public channels', masterKey: props.key, enforceSSL: true });
  }
}
