import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument } from '../src/common/openapi/openapi-document';
import { loadConfig } from '../src/config/load-config';

export const OPENAPI_FILE = join(__dirname, '../docs/openapi.json');
const PACKAGE_FILE = join(__dirname, '../package.json');

/**
 * `npm run openapi` writes `docs/openapi.json`. The document as the app describes itself, from the module graph alone: `preview` mode
 * instantiates no provider, so no database, Redis or Docker is needed.
 */
export async function generateOpenApiDocument(): Promise<string> {
  const { version } = JSON.parse(readFileSync(PACKAGE_FILE, 'utf8')) as { version: string };
  const config = loadConfig({ NODE_ENV: 'development', APP_ROLE: 'all' }, version);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    // Plain two-space JSON (the file is left to this generator, not to Prettier).
    return `${JSON.stringify(buildOpenApiDocument(app, config.version), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  generateOpenApiDocument().then(
    (text) => {
      writeFileSync(OPENAPI_FILE, text);
      process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`OpenAPI generation failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
