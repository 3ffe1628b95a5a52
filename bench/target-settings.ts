/**
 * The command line of the A/B tools that start server children side by side (wrk-ab.ts,
 * memory.ts): `<label>=[<setting>,…]`, where a setting is a Node flag (`--…`), `checkout=<dir>`,
 * an environment variable of the child (`NAME=value`) or a word the tool knows (`by-hand`, `echo`).
 */
export interface TargetSpec {
  readonly label: string;
  /** The settings as given. */
  readonly settings: readonly string[];
  /** The Node flags among them, in order. */
  readonly flags: readonly string[];
  /** The `checkout=` directory, if one is named. */
  readonly checkout: string | undefined;
  /** The `NAME=value` settings, as the child's environment. */
  readonly env: Readonly<Record<string, string>>;
}

export function targetSpecs(positionals: readonly string[]): TargetSpec[] {
  const specs = positionals.map((spec) => {
    const equals = spec.indexOf('=');
    const [label, list] = equals < 0 ? [spec, ''] : [spec.slice(0, equals), spec.slice(equals + 1)];
    const settings = list.split(',').filter(Boolean);
    const checkout = settings.find((setting) => setting.startsWith('checkout='))?.slice('checkout='.length);
    const env = Object.fromEntries(
      settings
        .filter(
          (setting) => !setting.startsWith('--') && !setting.startsWith('checkout=') && setting.includes('='),
        )
        .map((setting) => [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)]),
    );
    return { label, settings, flags: settings.filter((setting) => setting.startsWith('--')), checkout, env };
  });
  if (specs.length === 0) throw new Error('name at least one target: <label>=[<setting>,…]');
  return specs;
}
