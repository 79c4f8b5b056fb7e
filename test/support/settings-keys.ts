import { DEFAULT_COUNTY_SETTINGS } from '../../src/domain/policies/settings';

/** A fraction setting ({ numerator, denominator }) is one value: a county sets it whole. */
const isFraction = (value: object) => {
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === 'denominator' && keys[1] === 'numerator';
};

/** The working-day calendar is one setting too: a county saves its years, each a list of dates. */
const WHOLE_VALUES = new Set(['workingDays.calendar']);

function leafKeys(value: unknown, prefix: string): string[] {
  if (value === null || typeof value !== 'object' || isFraction(value) || WHOLE_VALUES.has(prefix)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Every leaf of the county settings schema by its dotted path (`publicity.villageDays`), walked
 * from the schema's own defaults, so a key added to `ZCountySettings` shows up here without
 * anyone listing it (and then fails the every-setting-takes-effect test until it has a proof).
 */
export const countySettingKeys = (): string[] => leafKeys(DEFAULT_COUNTY_SETTINGS, '').sort();
