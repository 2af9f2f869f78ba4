/**
 * Dashboard preview CLI: renders every dashboard the stack would deploy, from replayed logs, into
 * one self-contained HTML file. Usage: bedrock-watch preview --help (from a clone: npm run -s preview -- --help)
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runSimulateCommand, SIMULATE_FLAGS_USAGE } from '../simulate/args';
import { buildPreview, DEFAULT_PREVIEW_REGION } from './build';
import { previewHtml } from './html';

const DEFAULT_OUT = 'bedrock-watch-preview.html';

const USAGE = `usage: bedrock-watch preview [--out FILE.html] [--open] [--region REGION] [--param name=value]...
                              [--config FILE] [--stage NAME] [--delivery-lag SECONDS] [--until ISO-TIME] [PATH ...]
       (from a clone: npm run -s preview -- ...)

Renders the operations, model-comparison, executive (regions, organization) dashboards the stack
would deploy for the given parameters, from the data the replayed logs produce, with alarm thresholds
and the alarm simulator's ALARM intervals, into one HTML file that works offline.

${SIMULATE_FLAGS_USAGE}
  --out FILE.html       where to write it (default ${DEFAULT_OUT})
  --open                open it in the default browser
  --region REGION       the region the logs stand for on the regions dashboard (default ${DEFAULT_PREVIEW_REGION})
  -h, --help            this text

example: bedrock-watch preview --param watchedModels=anthropic.claude-3-haiku-20240307-v1:0 events/scenarios/latency-regression
exit: 0 written, 1 a batch could not be decoded, 2 bad input or flags`;

/** Opens a file with the platform's default handler, if there is one; never fails the command. */
function openInBrowser(file: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [file], { detached: true, stdio: 'ignore' });
  child.on('error', () =>
    process.stderr.write(`preview: no browser to open it with (${command}); open ${file} yourself\n`),
  );
  child.unref();
}

export function main(argv: string[]): Promise<number> {
  const own = { out: { type: 'string' }, open: { type: 'boolean' }, region: { type: 'string' } } as const;
  return runSimulateCommand('preview', USAGE, argv, own, async (parsed, fail) => {
    const out = resolve(typeof parsed.flags.out === 'string' ? parsed.flags.out : DEFAULT_OUT);
    const region = typeof parsed.flags.region === 'string' ? parsed.flags.region : DEFAULT_PREVIEW_REGION;
    const page = await buildPreview(parsed.simulate, parsed.rawParams, region);
    try {
      writeFileSync(out, previewHtml(page));
    } catch (error) {
      return fail(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    const widgets = page.dashboards.reduce((n, d) => n + d.widgets.length, 0);
    process.stdout.write(`wrote ${out}: ${page.dashboards.length} dashboards, ${widgets} widgets\n`);
    if (parsed.flags.open) openInBrowser(out);
    return 0;
  });
}
