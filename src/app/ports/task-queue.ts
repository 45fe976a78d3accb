/** Runs slow work after the HTTP reply has gone (in-process locally; an async invocation on Lambda). */
export interface TaskQueue<Task> {
  /** Resolves once the task is safely handed over (not when it has run). */
  enqueue(task: Task): Promise<void>;
}
