import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The OpenAPI document of the app: served at `/docs-json`, and committed as `docs/openapi.json`
 * (`npm run openapi`; a test fails when the two drift apart).
 */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Runcell')
      .setDescription(
        'Self-hosted code execution: an OpenRuntimes Executor drop-in under `/v1` and a multi-user task platform under `/api/v1`.',
      )
      .setVersion(version)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'user')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'executor secret',
          description: 'The executor secret (`URT_SECRET`), not a token',
        },
        'executor',
      )
      .build(),
    { operationIdFactory: operationId },
  );
}

/** `TasksController.create` → `tasksCreate`: readable, and unique while handler names are. */
export function operationId(controllerKey: string, methodKey: string): string {
  const area = controllerKey.replace(/Controller$/, '');
  return `${area.charAt(0).toLowerCase()}${area.slice(1)}${methodKey.charAt(0).toUpperCase()}${methodKey.slice(1)}`;
}
