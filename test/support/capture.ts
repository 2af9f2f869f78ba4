/**
 * Captures every write to stdout and stderr while `fn` runs: wired as in Lambda, Powertools and the
 * EMF sink write through process.stdout, so this sees exactly what the handler would ship to
 * CloudWatch Logs. Tests only: the local tools give the handler their own sinks instead.
 */
export async function captureWrites<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const originalOut = process.stdout.write;
  const originalErr = process.stderr.write;
  const hook = (sink: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = hook(out);
  process.stderr.write = hook(err);
  try {
    const result = await fn();
    return { result, stdout: out.join(''), stderr: err.join('') };
  } catch (error) {
    return { error, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  }
}
