/**
 * A real S3-compatible server (s3rver) in its own process, so tests can stop it and so its
 * memory does not count against the process under test. Started by `startS3Server()`.
 * Arguments: <directory> <bucket>. Sends its port to the parent once listening.
 */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverConstructor;

const [directory, bucket] = process.argv.slice(2);

new S3rver({
  port: 0,
  address: '127.0.0.1',
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
})
  .run()
  .then(({ port }) => process.send?.({ port }))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

// Never outlive the test that started this server.
process.on('disconnect', () => process.exit(0));
