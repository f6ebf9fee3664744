import { Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { CONFIG, RuncellConfig } from '../../config';
import { REDACTED_PATHS } from './redaction';

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: RuncellConfig) => ({
        pinoHttp: {
          level: config.server.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
        },
      }),
    }),
  ],
})
export class LoggingModule {}

function isProbe(url: string | undefined): boolean {
  return url === '/health' || url === '/ready' || url === '/v1/health' || url === '/metrics';
}
