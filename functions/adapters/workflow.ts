import { ExecutionAlreadyExists, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallbacks, WorkflowStarter } from '../domain/ports.js';

export class StepFunctionsWorkflow implements WorkflowStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: Record<string, unknown>) {
    try {
      const out = await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionArn: out.executionArn, alreadyStarted: false };
    } catch (error) {
      // Same name already used (running with other input, or finished): the incident already has its execution.
      if (error instanceof ExecutionAlreadyExists) return { alreadyStarted: true };
      throw error;
    }
  }
}

/** SendTaskSuccess/Failure take the token alone. */
export class StepFunctionsCallbacks implements TaskCallbacks {
  constructor(private readonly sfn: SFNClient) {}

  async succeed(taskToken: string, output: Record<string, unknown>): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}
