/**
 * Every command `bedrock-watch` offers, once: the bin dispatches on this table, its `--help` lists it,
 * and the tests check each entry. Contributor tools (bench, fuzz, generators) live in dev/ and are
 * reached through `npm run` only.
 */
import { main as advise } from './advise/command';
import { main as alerts } from './alerts/command';
import { main as preview } from './preview/command';
import { main as prices } from './prices/command';
import { main as replay } from './replay/command';
import { main as simulate } from './simulate/command';

export interface Command {
  /** One line for `bedrock-watch --help`. */
  summary: string;
  /** Runs the command on its arguments; resolves to the exit code. */
  main: (argv: string[]) => Promise<number> | number;
}

export const COMMANDS = {
  replay: {
    summary: 'replay exported invocation logs: per-model calls, tokens, latency, errors and cost',
    main: replay,
  },
  simulate: {
    summary: "which of the stack's alarms would fire on these logs, minute by minute",
    main: simulate,
  },
  preview: { summary: 'the dashboards on these logs, as one self-contained HTML file', main: preview },
  prices: { summary: 'the bundled price table: update it from the AWS Price List', main: prices },
  advise: {
    summary: 'quantified ways to spend less on these logs, each with its formula and basis',
    main: advise,
  },
  alerts: { summary: 'a marked test alert through the deployed notifier to each destination', main: alerts },
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;
