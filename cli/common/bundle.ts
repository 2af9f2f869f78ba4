/**
 * What `npm run build` (dev/build.ts) writes into the published bundle through esbuild's define:
 * every module of the bundle shares one import.meta.url (dist/bedrock-watch.mjs), and nothing may be
 * read from the source tree at run time. From the source (tsx, vitest) none of it is set.
 */
import { fileURLToPath } from 'node:url';

export interface BundleFacts {
  /** The package root relative to the bundle's folder. */
  rootFromBundle: string;
  /** The preview page's scripts and style, inlined as text. */
  previewAssets: { uplotJs: string; uplotCss: string; client: string };
}

/** The expression dev/build.ts defines (esbuild replaces it with a JSON object). */
export const BUNDLE_DEFINE = 'import.meta.bedrockWatch';

export const BUNDLE: Partial<BundleFacts> =
  (import.meta as ImportMeta & { bedrockWatch?: BundleFacts }).bedrockWatch ?? {};

/**
 * The folder holding events/ (and, in a clone, shared/): two folders up from this file in the
 * source tree, or where the bundle says in the package.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL(`${BUNDLE.rootFromBundle ?? '../..'}/`, import.meta.url));
