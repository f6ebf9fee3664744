import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { CONFIG, RuncellConfig } from '../config';
import { CONTAINER_ENGINE, ContainerEngine } from './container-engine';
import { DockerContainerEngine } from './docker/docker-container-engine';

const DOCKER_ENGINE: Provider = {
  provide: CONTAINER_ENGINE,
  inject: [CONFIG],
  useFactory: (config: RuncellConfig) =>
    new DockerContainerEngine({
      host: config.docker.host,
      registryAuth: config.executor.dockerHubUsername
        ? {
            username: config.executor.dockerHubUsername,
            password: config.executor.dockerHubPassword,
          }
        : undefined,
    }),
};

/**
 * Provides the one shared `ContainerEngine`: Docker over its socket or TCP, or the engine given
 * to `forRoot` (`AppOptions.containerEngine`; see `docs/extending.md`).
 */
@Global()
@Module({})
export class ContainerEngineModule {
  static forRoot(engine?: ContainerEngine): DynamicModule {
    return {
      module: ContainerEngineModule,
      providers: [engine ? { provide: CONTAINER_ENGINE, useValue: engine } : DOCKER_ENGINE],
      exports: [CONTAINER_ENGINE],
    };
  }
}
