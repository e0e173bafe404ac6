/** Runs `work` with this process's stdout kept aside: what a command printed, for a test to read. */
export async function printed<T>(work: () => Promise<T>): Promise<{ value: T; out: string[] }> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    return { value: await work(), out };
  } finally {
    process.stdout.write = write;
  }
}

/** Runs `work` with this process's stdout dropped: a command's `OK` line would clutter the test report. */
export async function quietly<T>(work: () => Promise<T>): Promise<T> {
  return (await printed(work)).value;
}
