import { describe, expect, it } from 'vitest';
import { COUNTRY_TIME_ZONES, isValidTimeZone, resolveTimeZone } from '../../functions/domain/time-zones.js';

describe('resolveTimeZone', () => {
  it('the directory’s own zone wins when Intl knows it', () => {
    // Act
    const zones = [
      resolveTimeZone({ timeZone: 'America/Los_Angeles', country: 'US' }),
      resolveTimeZone({ timeZone: ' Asia/Urumqi ', country: 'CN' }),
      resolveTimeZone({ timeZone: 'Europe/Kyiv', country: 'GB' }),
      resolveTimeZone({ timeZone: 'UTC', country: 'DE' }),
    ];
    // Assess
    expect(zones).toEqual(['America/Los_Angeles', 'Asia/Urumqi', 'Europe/Kyiv', 'UTC']);
  });

  it('an invalid or empty zone falls back to the country’s main zone', () => {
    // Act
    const zones = [
      resolveTimeZone({ timeZone: 'Mars/Olympus_Mons', country: 'CN' }),
      resolveTimeZone({ timeZone: '+08:00', country: 'SG' }),
      resolveTimeZone({ timeZone: '', country: 'DE' }),
      resolveTimeZone({ country: 'gb' }),
    ];
    // Assess
    expect(zones).toEqual(['Asia/Shanghai', 'Asia/Singapore', 'Europe/Berlin', 'Europe/London']);
  });

  it('multi-zone countries get the zone where most people live', () => {
    // Act
    const zones = ['US', 'CN', 'RU', 'AU', 'BR', 'CA', 'MX', 'ID'].map((country) => resolveTimeZone({ country }));
    // Assess
    expect(zones).toEqual([
      'America/New_York',
      'Asia/Shanghai',
      'Europe/Moscow',
      'Australia/Sydney',
      'America/Sao_Paulo',
      'America/Toronto',
      'America/Mexico_City',
      'Asia/Jakarta',
    ]);
  });

  it('no valid zone and an unknown country: UTC', () => {
    // Act
    const zones = [
      resolveTimeZone({ country: 'unknown' }),
      resolveTimeZone({ timeZone: 'nowhere', country: 'XX' }),
      resolveTimeZone({ country: 'CONSTRUCTOR' }),
    ];
    // Assess
    expect(zones).toEqual(['UTC', 'UTC', 'UTC']);
  });
});

describe('the country table', () => {
  it('covers every ISO 3166-1 alpha-2 country, each with a zone Intl can format in', () => {
    // Prepare: the regions Intl names under their current code (UK, SU, ZR... canonicalise to another),
    // less the exceptionally reserved and private-use codes, are the 249 countries.
    const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const reserved = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'TA', 'UN', 'QO', 'XA', 'XB', 'XK', 'ZZ']);
    const assigned = [...letters]
      .flatMap((a) => [...letters].map((b) => a + b))
      .filter((code) => !reserved.has(code) && regions.of(code) !== undefined && Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`);
    // Act
    const missing = assigned.filter((code) => !(code in COUNTRY_TIME_ZONES));
    const invalid = Object.entries(COUNTRY_TIME_ZONES).filter(([, zone]) => !isValidTimeZone(zone));
    // Assess
    expect(assigned).toHaveLength(249);
    expect(missing).toEqual([]);
    expect(invalid).toEqual([]);
    expect(Object.keys(COUNTRY_TIME_ZONES)).toHaveLength(249);
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA names and aliases in any case; refuses offsets, paths and unknown names', () => {
    // Act
    const results = [
      'Asia/Shanghai',
      'asia/shanghai',
      'Asia/Calcutta',
      'UTC',
      'Etc/GMT-8',
      '+08:00',
      'UTC+8',
      '../etc/passwd',
      'Asia/',
      'Nowhere/City',
      '',
    ].map(isValidTimeZone);
    // Assess
    expect(results).toEqual([true, true, true, true, true, false, false, false, false, false, false]);
  });
});
