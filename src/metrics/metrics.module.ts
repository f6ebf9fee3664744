import { Global, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route pattern, not the URL, so ids do not explode the label set.
      const route = request.routeOptions.url ?? 'unmatched';
      this.metrics.httpRequests.inc({
        method: request.method,
        route,
        status: String(reply.statusCode),
      });
      this.metrics.httpDuration.observe(
        { method: request.method, route },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
