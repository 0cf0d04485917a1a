/** What a sandbox (local/twin/lambda-sandbox.ts) is started with. */
export interface SandboxData {
  /** The function's bundle. */
  bundle: string;
  functionName: string;
  functionArn: string;
  memoryMB: number;
}

/** One invocation: the event as JSON, and when the function's timeout ends it (epoch ms). */
export interface SandboxRequest {
  requestId: string;
  event: string;
  deadline: number;
}

export type SandboxReply =
  | { type: 'ready' }
  | { type: 'init-error'; errorType: string; errorMessage: string }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; errorType: string; errorMessage: string };
