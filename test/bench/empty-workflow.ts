/** A workflow that does nothing: the benchmark's ceiling of start-to-completion per second. */
export async function emptyWorkflow(): Promise<void> {}
