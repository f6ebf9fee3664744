/** True for URLs of the OpenRuntimes API (`/v1` and below), which speak its dialect. */
export function isExecutorUrl(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?');
}
