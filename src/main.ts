import { createApp } from './create-app';
import { InvalidConfigError, loadProcessConfig, RuncellConfig } from './config';
import { releaseStartupMemory } from './common/lifecycle/release-startup-memory';

async function bootstrap(): Promise<void> {
  let config: RuncellConfig;
  try {
    config = loadProcessConfig();
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen({ host: config.server.host, port: config.server.port });
  await releaseStartupMemory();
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Runcell failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
