import { Global, Module } from '@nestjs/common';
import { CONFIG, RuncellConfig } from '../config';
import { CONTAINER_ENGINE } from './container-engine';
import { DockerContainerEngine } from './docker/docker-container-engine';

/** Provides the one shared `ContainerEngine` (Docker over its socket or TCP). */
@Global()
@Module({
  providers: [
    {
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
    },
  ],
  exports: [CONTAINER_ENGINE],
})
export class ContainerEngineModule {}
