/**
 * `npm run prices -- update`: Amazon Bedrock's on-demand prices from the AWS Price List API (or a
 * saved offer file) into the price file, with a diff for review. The client, files and clock are
 * passed in (tests use aws-sdk-client-mock and a fixture; nothing here reaches the network itself).
 */
import { GetProductsCommand, type PricingClient } from '@aws-sdk/client-pricing';
import type { PriceData } from '../../shared/ingest/5-price';
import { formatChanges, mergePrices } from '../../shared/pricing/merge';
import { implausibleRatesOf } from '../../shared/pricing/plausibility';
import {
  type PriceListProduct,
  priceEntriesFromProducts,
  productsFromOffer,
} from '../../shared/pricing/price-list';

export const DEFAULT_SERVICE_CODES = ['AmazonBedrock', 'AmazonBedrockFoundationModels'] as const;

/** Every product of the service codes, page by page (GetProducts answers 100 at a time). */
export async function fetchProducts(
  client: Pick<PricingClient, 'send'>,
  serviceCodes: readonly string[],
): Promise<PriceListProduct[]> {
  const products: PriceListProduct[] = [];
  for (const serviceCode of serviceCodes) {
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetProductsCommand({
          ServiceCode: serviceCode,
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          NextToken: nextToken,
        }),
      );
      for (const item of page.PriceList ?? []) products.push(JSON.parse(item) as PriceListProduct);
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return products;
}

export interface PricesUpdateOptions {
  /** The products, fetched or read from a saved offer file. */
  products: readonly PriceListProduct[];
  current: PriceData;
  /** The day the products were read (YYYY-MM-DD): every refreshed entry's `asOf`. */
  asOf: string;
  source: string;
}

export interface PricesUpdateResult {
  data: PriceData;
  diff: string;
  /** Warnings for review: models mapped by their attributes, unmapped or ambiguous names, unreadable usage types, ignored rows. */
  notes: string[];
}

/** The notes on how Price List names became model ids: what was added by attributes, what was left out. */
function mappingNotes(report: ReturnType<typeof priceEntriesFromProducts>): string[] {
  const notes: string[] = [];
  const known = report.mapped.filter((m) => m.source === 'known-id');
  if (known.length > 0)
    notes.push(
      `mapped ${known.length} Price List name(s) to ids in the price file by their attributes: ${known.map((m) => `"${m.model}" → ${m.modelId}`).join(', ')}`,
    );
  const derived = report.mapped.filter((m) => m.source === 'derived');
  if (derived.length > 0)
    notes.push(
      `added ${derived.length} model(s) the price file did not know, with ids derived from the Price List name and provider — check each against the modelId in your logs (Bedrock ids often end in -v1:0) and rename the entry if it differs: ${derived.map((m) => `"${m.model}" → ${m.modelId}`).join(', ')}`,
    );
  for (const { model, candidates } of report.ambiguous)
    notes.push(
      `"${model}" reads like several ids (${candidates.join(', ')}), left out: add it to PRICE_LIST_MODEL_IDS`,
    );
  const models = [...new Set(report.unmapped.map((u) => u.model))].sort();
  if (models.length > 0)
    notes.push(
      `no model id for ${models.length} Price List model name(s) (no id in the price file reads like it and the product names no provider): ${models.join(', ')}`,
    );
  return notes;
}

/** Maps, merges and describes one update; writes nothing. */
export function updatePrices(options: PricesUpdateOptions): PricesUpdateResult {
  const report = priceEntriesFromProducts(options.products, {
    asOf: options.asOf,
    source: options.source,
    knownModelIds: options.current.prices.map((p) => p.modelId),
  });
  const { data, changes } = mergePrices(options.current, report.prices);
  const notes = mappingNotes(report);
  // A Price List row whose unit says 1K tokens but whose figure is per million (or the reverse)
  // would be written as is: say so before the file is committed.
  for (const entry of report.prices)
    for (const why of implausibleRatesOf(entry))
      notes.push(
        `${entry.modelId} ${entry.region} ${why} — check the Price List row's unit before committing`,
      );
  const unreadable = [...new Set(report.unreadable.map((u) => u.usageType))].sort();
  if (unreadable.length > 0) notes.push(`usage types not understood, left out: ${unreadable.join(', ')}`);
  const batch = report.ignored.filter((i) => i.reason === 'batch').length;
  if (batch > 0)
    notes.push(`${batch} batch row(s) ignored: batch jobs are not priced from the invocation log`);
  const nonText = report.ignored.filter((i) => i.reason === 'non-text').length;
  if (nonText > 0)
    notes.push(`${nonText} speech/audio/image/video token row(s) ignored: only text tokens are priced`);
  return {
    data: { ...data, effectiveDate: options.asOf },
    diff: formatChanges(changes),
    notes,
  };
}

/** Reads the products from a saved offer file's text. */
export function productsFromOfferText(text: string): PriceListProduct[] {
  return productsFromOffer(JSON.parse(text));
}
