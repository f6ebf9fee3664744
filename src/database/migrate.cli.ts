import { loadProcessConfig } from '../config';
import { runMigrations } from './migrate';

async function main(): Promise<void> {
  const config = loadProcessConfig();
  const applied = await runMigrations(config.database);
  process.stdout.write(
    applied.length > 0
      ? `Applied migrations: ${applied.join(', ')}\n`
      : 'Database schema is up to date\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Migration failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
