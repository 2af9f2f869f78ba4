/** The process entry of `bedrock-watch` (bundled to dist/ by `npm run build`); cli/bin.ts dispatches. */
import { runBin } from './bin';

runBin(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`bedrock-watch failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
