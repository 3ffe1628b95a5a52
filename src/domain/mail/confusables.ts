/**
 * Mixed-script and whole-script-confusable checks for domain labels, after UTS #39's "highly
 * restrictive" profile: one script per label, except Latin with Han and Japanese kana, with Han
 * and Bopomofo, or with Han and Hangul. A label written entirely in Cyrillic, Greek, Armenian or
 * Cherokee letters that all look like Latin ones ("аррӏе") is refused as confusable.
 */
const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Common', /[\p{Script=Common}\p{Script=Inherited}]/u],
];

const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

/** Non-Latin letters that render like Latin ones in common fonts. */
const LATIN_LOOKALIKES = new Set(
  'аbсdеհіјкӏмnорԛѕтuνԝхуzΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχϲϳացհոսօᎪᎬᎻᎢᏚᎠᎥ'
    .toLowerCase()
    .split('')
    .concat(['ɑ', 'ᴠ', 'ԁ', 'ɡ', 'ӏ', 'ј', 'ο', 'ν', 'ь', 'һ', 'ԍ', 'ԛ', 'ѡ', 'ԝ']),
);

function scriptOf(char: string): string {
  for (const [name, pattern] of SCRIPTS) if (pattern.test(char)) return name;
  return `Other(${char.codePointAt(0)?.toString(16) ?? '?'})`;
}

function labelReason(label: string): string | undefined {
  const scripts = new Set<string>();
  for (const char of label) {
    const script = scriptOf(char);
    if (script !== 'Common') scripts.add(script);
  }
  if (scripts.size > 1 && !ALLOWED_MIXES.some((mix) => [...scripts].every((s) => mix.includes(s))))
    return `domain label "${label}" mixes scripts (${[...scripts].join(', ')}), a spoofing risk`;
  const [only] = [...scripts];
  if (
    scripts.size === 1 &&
    only !== undefined &&
    ['Greek', 'Cyrillic', 'Armenian', 'Cherokee'].includes(only) &&
    Array.from(label).every((char) => scriptOf(char) === 'Common' || LATIN_LOOKALIKES.has(char))
  )
    return `domain label "${label}" is written in ${only} letters that look like Latin ones (confusable)`;
  return undefined;
}

/** Why a (Unicode, lower-cased) domain is refused as mixed-script or confusable, or undefined. */
export function confusableReason(domain: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/^[\x00-\x7f]*$/.test(domain)) return undefined;
  for (const label of domain.split('.')) {
    const reason = labelReason(label);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
