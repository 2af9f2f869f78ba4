/**
 * Which Bedrock model id a Price List product prices, from the product's own attributes. The Price
 * List names a model by display name (`model`: `Claude 3 Haiku`, `gpt-oss-120b`; marketplace
 * products by `servicename`: `Claude Haiku 4.5 (Amazon Bedrock Edition)`), says who makes it
 * (`provider`: `Anthropic`, `Mistral AI`) and sometimes carries the id itself (`modelId`). In order:
 *   1. a well-formed `modelId` attribute;
 *   2. the hard-coded name table, for names the attributes cannot tell apart (see price-list.ts);
 *   3. a model id already known (the price file's own ids) whose name part reads like the display
 *      name — `Llama 3.1 8B Instruct` and `meta.llama3-1-8b-instruct-v1:0` share the words
 *      llama 3 1 8 b instruct once the vendor, date stamp and version suffix are set aside — and
 *      whose vendor is the product's provider when it names one; two or more such ids are
 *      ambiguous and reported, never picked between;
 *   4. with a provider and no known id: `vendor.name-as-slug`, marked as derived for review,
 *      because the Price List holds no version suffix (`-v1:0`) and cannot say whether the id
 *      carries one. Once the entry is renamed to the id the logs carry, rule 3 finds it.
 * Pure: the known ids are passed in.
 */

export type ModelIdSource = 'attribute' | 'table' | 'known-id' | 'derived';

export type ModelIdResolution =
  | { id: string; source: ModelIdSource; name: string }
  | { id?: undefined; source: 'ambiguous'; name: string; candidates: string[] }
  | { id?: undefined; source: 'unknown'; name: string };

const MODEL_ID = /^[a-z0-9-]+\.[A-Za-z0-9.:-]+$/;

/**
 * A name as lower-case words and numbers, split at every non-alphanumeric and at each change
 * between letters and digits, so `Llama 3.1 8B` and `llama3-1-8b` read alike. `+` is a word
 * (`Command R+` is not `Command R`).
 */
export function nameWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/\+/g, ' plus ')
    .replace(/(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
    .join('-');
}

/** The vendor of a model id and the words of its name part, without date stamp and version. */
export function idWords(modelId: string): { vendor: string; words: string } {
  const dot = modelId.indexOf('.');
  const vendor = modelId.slice(0, dot);
  const rest = modelId
    .slice(dot + 1)
    .replace(/-v?\d+:\d+$/, '') // -v1:0, -1:0, -v0:2
    .replace(/-v\d+$/, '') // -v1
    .replace(/-\d{8}$/, ''); // -20240307
  return { vendor, words: nameWords(rest) };
}

/** The id prefix a Price List provider stands for: its first word, lower-case (`Mistral AI` → mistral). */
export function vendorOfProvider(provider: string | undefined): string | undefined {
  const first = (provider ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return /^[a-z0-9]+$/.test(first) ? first : undefined;
}

/** The display name of a product: `model`, else the marketplace `servicename` without its edition. */
export function displayNameOf(attributes: Record<string, string | undefined>): string {
  return attributes.model ?? attributes.servicename?.replace(/ \(Amazon Bedrock Edition\)$/, '') ?? '';
}

/** A slug for a derived id: `Qwen3 32B` → `qwen3-32b`. */
const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/\+/g, '-plus')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');

export type ModelIdResolver = (attributes: Record<string, string | undefined>) => ModelIdResolution;

/** Resolves products' attributes to model ids against a hard-coded name table and the ids already known. */
export function createModelIdResolver(
  hardCoded: Readonly<Record<string, string>>,
  knownIds: Iterable<string>,
): ModelIdResolver {
  const known = [...new Set(knownIds)]
    .filter((id) => MODEL_ID.test(id))
    .map((id) => ({ id, ...idWords(id) }));
  return (attributes) => {
    const name = displayNameOf(attributes);
    const explicit = attributes.modelId;
    if (explicit && MODEL_ID.test(explicit)) return { id: explicit, source: 'attribute', name };
    if (Object.hasOwn(hardCoded, name)) return { id: hardCoded[name] as string, source: 'table', name };
    const words = nameWords(name);
    if (words === '') return { source: 'unknown', name };
    const vendor = vendorOfProvider(attributes.provider);
    const candidates = known
      .filter((k) => vendor === undefined || k.vendor === vendor)
      .filter((k) => k.words === words || `${nameWords(k.vendor)}-${k.words}` === words)
      .map((k) => k.id);
    if (candidates.length === 1) return { id: candidates[0] as string, source: 'known-id', name };
    if (candidates.length > 1) return { source: 'ambiguous', name, candidates: candidates.sort() };
    const derived = vendor === undefined ? undefined : `${vendor}.${slugOf(name)}`;
    return derived !== undefined && MODEL_ID.test(derived)
      ? { id: derived, source: 'derived', name }
      : { source: 'unknown', name };
  };
}
