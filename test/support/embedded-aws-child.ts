/**
 * Child process for the persistence test: `node --import tsx embedded-aws-child.ts <dataDir>`
 * starts dynalite + s3rver on loopback over `dataDir`, prints one JSON line
 * `{"dynamoEndpoint": …, "s3Endpoint": …}` on stdout, and serves until killed.
 */
import { startEmbeddedAws } from '../../src/entry/local/embedded-aws.ts';

const dataDir = process.argv[2];
if (dataDir === undefined || dataDir === '') {
  process.stderr.write('usage: embedded-aws-child.ts <dataDir>\n');
  process.exit(2);
}

const embedded = await startEmbeddedAws({ dataDir, dynamoPort: 0, s3Port: 0 });
process.stdout.write(
  `${JSON.stringify({ dynamoEndpoint: embedded.dynamoEndpoint, s3Endpoint: embedded.s3Endpoint })}\n`,
);

process.on('SIGTERM', () => {
  void embedded.stop().then(() => process.exit(0));
});
