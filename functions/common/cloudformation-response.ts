/**
 * The answer to a CloudFormation custom-resource request: a PUT of the result to the request's
 * pre-signed URL. Only I/O; the handlers decide the status.
 */

/** How long one attempt to deliver the answer may take, and how many attempts are made. */
const RESPOND_TIMEOUT_MS = 5000;
const RESPOND_ATTEMPTS = 3;

/** PUTs `body` to CloudFormation's pre-signed `url`, three attempts of five seconds at most. */
export async function respondToCloudFormation(url: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The pre-signed URL expects no content type; fetch would otherwise add text/plain.
      const response = await fetch(url, {
        method: 'PUT',
        body,
        headers: { 'content-type': '' },
        signal: AbortSignal.timeout(RESPOND_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`CloudFormation response rejected: HTTP ${response.status}`);
      return;
    } catch (error) {
      if (attempt >= RESPOND_ATTEMPTS) throw error;
    }
  }
}
