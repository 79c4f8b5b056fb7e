import { DEFAULT_COUNTY_SETTINGS } from '../../src/domain/policies/settings';

/** A fraction setting ({ numerator, denominator }) is one value: a county sets it whole. */
const isFraction = (value: object) => {
  const keys = Object.keys(value).sort();
  return keys.length === 2 && keys[0] === 'denominator' && keys[1] === 'numerator';
};

function leafKeys(value: unknown, prefix: string): string[] {
  if (value === null || typeof value !== 'object' || isFraction(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Every leaf of the county settings schema by its dotted path (`publicity.villageDays`), walked
 * from the schema's own defaults, so a key added to `ZCountySettings` shows up here without
 * anyone listing it (and then fails the every-setting-takes-effect test until it has a proof).
 */
export const countySettingKeys = (): string[] => leafKeys(DEFAULT_COUNTY_SETTINGS, '').sort();
