import { Global, Inject, Module } from '@nestjs/common';
import { RuncellConfig } from './runcell-config';

export const CONFIG = Symbol('RUNCELL_CONFIG');

/** Injects the validated configuration: `constructor(@InjectConfig() config: RuncellConfig)`. */
export const InjectConfig = (): PropertyDecorator & ParameterDecorator => Inject(CONFIG);

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RuncellConfig) {
    return {
      module: ConfigModule,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}
