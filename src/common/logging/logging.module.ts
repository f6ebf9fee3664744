import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { CONFIG, RuncellConfig } from '../../config';
import { redactionOptions } from './redaction';
import { StdoutLogStream } from './stdout-log-stream';

/** Pino logging; `destination` replaces stdout (tests capture every line through it). */
@Module({})
export class LoggingModule implements OnApplicationShutdown {
  constructor(private readonly stdout: StdoutLogStream) {}

  static forRoot(destination?: DestinationStream): DynamicModule {
    const stdout = new StdoutLogStream();
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (config: RuncellConfig) => {
            const options = httpLoggerOptions(config);
            const stream = destination ?? (config.server.prettyLogs ? undefined : stdout.open());
            return { pinoHttp: stream ? [options, stream] : options };
          },
        }),
      ],
      providers: [{ provide: StdoutLogStream, useValue: stdout }],
    };
  }

  onApplicationShutdown(): void {
    this.stdout.flush();
  }
}

function httpLoggerOptions(config: RuncellConfig) {
  return {
    level: config.server.logLevel,
    ...redactionOptions(),
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
    customProps: (req: IncomingMessage) => ({
      requestId: (req as IncomingMessage & { id?: string }).id,
    }),
    autoLogging: { ignore: (req: IncomingMessage) => isProbe(req.url) },
    transport: config.server.prettyLogs
      ? { target: 'pino-pretty', options: { singleLine: true } }
      : undefined,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
    },
  };
}

function isProbe(url: string | undefined): boolean {
  return url === '/health' || url === '/ready' || url === '/v1/health' || url === '/metrics';
}
