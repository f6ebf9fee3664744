import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { CONFIG, RuncellConfig } from '../../config';
import { redactionOptions } from './redaction';
import { createRequestLogger } from './request-log';
import { StdoutLogStream } from './stdout-log-stream';

/** The logger of the one line per request (`registerRequestLog`). */
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');

/** Pino logging; `destination` replaces stdout (tests capture every line through it). */
@Module({})
export class LoggingModule implements OnApplicationShutdown {
  constructor(private readonly stdout: StdoutLogStream) {}

  static forRoot(destination?: DestinationStream): DynamicModule {
    const stdout = new StdoutLogStream();
    const streamFor = (config: RuncellConfig) =>
      destination ?? (config.server.prettyLogs ? undefined : stdout.open());
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (config: RuncellConfig) => {
            const options = httpLoggerOptions(config);
            const stream = streamFor(config);
            // No pino-http middleware: `registerRequestLog` writes the request lines.
            return { pinoHttp: stream ? [options, stream] : options, forRoutes: [] };
          },
        }),
      ],
      providers: [
        { provide: StdoutLogStream, useValue: stdout },
        {
          provide: REQUEST_LOGGER,
          inject: [CONFIG],
          useFactory: (config: RuncellConfig): Logger =>
            createRequestLogger(loggerBaseOptions(config), streamFor(config)),
        },
      ],
      exports: [REQUEST_LOGGER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stdout.drain();
  }
}

function loggerBaseOptions(config: RuncellConfig) {
  return {
    level: config.server.logLevel,
    transport: config.server.prettyLogs
      ? { target: 'pino-pretty', options: { singleLine: true } }
      : undefined,
  };
}

function httpLoggerOptions(config: RuncellConfig) {
  return {
    ...loggerBaseOptions(config),
    ...redactionOptions(),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
    },
  };
}
