import { isDockerHubImage, registryOf } from './image-registry';

describe('the registry of an image reference', () => {
  it.each([
    ['node', 'docker.io'],
    ['openruntimes/node:v5-22', 'docker.io'],
    ['library/node:22', 'docker.io'],
    ['docker.io/openruntimes/node:v5', 'docker.io'],
    ['index.docker.io/library/node', 'index.docker.io'],
    ['ghcr.io/acme/runtime:1', 'ghcr.io'],
    ['127.0.0.1:5000/x:1', '127.0.0.1:5000'],
    ['localhost/x', 'localhost'],
    ['Registry.Example.COM/x', 'registry.example.com'],
  ])('%s is on %s', (image, registry) => {
    expect(registryOf(image)).toBe(registry);
  });

  it('sends the Docker Hub login to Docker Hub images only', () => {
    expect(isDockerHubImage('openruntimes/node:v5-22')).toBe(true);
    expect(isDockerHubImage('docker.io/library/node')).toBe(true);
    expect(isDockerHubImage('ghcr.io/acme/x')).toBe(false);
    expect(isDockerHubImage('127.0.0.1:5000/x')).toBe(false);
    expect(isDockerHubImage('docker.io.evil.example/x')).toBe(false);
  });
});
