/** The HTTP request a destination gets: built purely, sent by the notifier's HTTP sender. */
export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export type AlertAction = 'trigger' | 'resolve';

/** Cuts text to a destination's field limit, marking the cut. */
export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** A JSON POST. */
export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}): HttpRequest => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
