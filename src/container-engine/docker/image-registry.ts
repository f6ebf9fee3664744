const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The registry an image reference names, as Docker reads it: the first path component when it
 * looks like a host (has a `.` or `:`, or is `localhost`), else Docker Hub.
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!isHost) return 'docker.io';
  return first.toLowerCase();
}

/** True when the image is pulled from Docker Hub, the only registry the configured login is for. */
export function isDockerHubImage(image: string): boolean {
  return DOCKER_HUB_HOSTS.has(registryOf(image));
}
