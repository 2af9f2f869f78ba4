/**
 * Price data CLI: refreshes the bundled price file from the AWS Price List API.
 * Usage: bedrock-watch prices --help (from a clone: npm run -s prices -- --help)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PricingClient } from '@aws-sdk/client-pricing';
import type { PriceData } from '../../shared/ingest/5-price';
import { PACKAGE_ROOT } from '../common/bundle';
import { parseCli } from '../common/cli';
import { DEFAULT_SERVICE_CODES, fetchProducts, productsFromOfferText, updatePrices } from './update';

/** The repository's price table (bundled into the functions and the CLI at build time). */
const DEFAULT_OUT = join(PACKAGE_ROOT, 'shared', 'ingest', 'price-table.json');

const USAGE = `usage: bedrock-watch prices update [--from FILE] [--dry-run] [--out FILE] [--service-code CODE]...

Fetches Amazon Bedrock's on-demand token prices for every region from the AWS Price List API
(GetProducts, with your AWS credentials; the API answers in us-east-1), or reads a saved offer file,
maps them to price entries (input, output, cache read/write, 1-hour cache write, long context, the
Flex/Priority/latency-optimized tiers, the global-versus-regional premium) and writes them into the
price file, printing what changed. Entries the Price List no longer lists are kept as they were.

  --from FILE            read a saved offer file instead of calling AWS: the bulk API's index.json
                         (pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonBedrock/current/index.json)
                         or saved GetProducts output ({"PriceList": [...]})
  --dry-run              print the diff only, write nothing
  --out FILE             the price file to update (default shared/ingest/price-table.json)
  --service-code CODE    a Price List service code to read (repeatable; default ${DEFAULT_SERVICE_CODES.join(' and ')})
  -h, --help             this text

Review the diff and commit the file; run it monthly, and whenever AWS announces a price change or a
model you use appears as unpriced. See docs/pricing.md.

example: bedrock-watch prices update --from events/price-list/get-products.json --dry-run
exit: 0 done, 1 the AWS call failed, 2 bad input or flags`;

function fail(message: string): number {
  process.stderr.write(`prices: ${message}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCli(
    'prices',
    USAGE,
    argv,
    {
      from: { type: 'string' },
      'dry-run': { type: 'boolean' },
      out: { type: 'string' },
      'service-code': { type: 'string', multiple: true },
    },
    true,
  );
  if (typeof parsed === 'number') return parsed;
  const [command, ...extra] = parsed.positionals;
  if (command !== 'update' || extra.length > 0) return fail('expected the command "update" (prices --help)');
  const { values } = parsed;
  const out = typeof values.out === 'string' ? values.out : DEFAULT_OUT;
  let current: PriceData;
  try {
    current = JSON.parse(readFileSync(out, 'utf8')) as PriceData;
  } catch (error) {
    // The installed package has the table inside its bundle only: the file to update is a clone's.
    const hint =
      typeof values.out === 'string'
        ? ''
        : ' (the price file is in a clone of the repository; or give --out FILE)';
    return fail(`cannot read the price file ${out}: ${(error as Error).message}${hint}`);
  }
  const asOf = new Date().toISOString().slice(0, 10);
  let products: ReturnType<typeof productsFromOfferText>;
  let source: string;
  if (typeof values.from === 'string') {
    try {
      products = productsFromOfferText(readFileSync(values.from, 'utf8'));
    } catch (error) {
      return fail(`cannot read the offer file ${values.from}: ${(error as Error).message}`);
    }
    source = `AWS Price List offer file ${values.from}, read ${asOf}`;
  } else {
    const codes = Array.isArray(values['service-code']) ? values['service-code'] : [...DEFAULT_SERVICE_CODES];
    try {
      products = await fetchProducts(new PricingClient({ region: 'us-east-1' }), codes);
    } catch (error) {
      process.stderr.write(`prices: the Price List API call failed: ${(error as Error).message}\n`);
      return 1;
    }
    source = `AWS Price List API GetProducts (${codes.join(', ')}), fetched ${asOf}`;
  }
  const result = updatePrices({ products, current, asOf, source });
  process.stdout.write(result.diff);
  for (const note of result.notes) process.stderr.write(`prices: ${note}\n`);
  if (!values['dry-run']) {
    writeFileSync(out, `${JSON.stringify(result.data, null, 2)}\n`);
    process.stdout.write(`wrote ${out}\n`);
  }
  return 0;
}
