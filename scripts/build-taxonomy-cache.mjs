// Part of `npm run build`: the built-in taxonomy, validated once, for a fast start (see loadTaxonomy).
import { writeTaxonomyCache, taxonomyCachePath } from '../dist/src/taxonomy/taxonomy.js';

writeTaxonomyCache();
if (process.argv.includes('--verbose')) process.stdout.write(`wrote ${taxonomyCachePath}\n`);
