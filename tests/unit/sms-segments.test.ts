import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../functions/domain/sms-segments.js';

describe('smsSegments', () => {
  it('GSM-7: 160 septets fit one segment, 161 need two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', characters: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', characters: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', characters: 306, segments: 2 });
    expect(smsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', characters: 307, segments: 3 });
  });

  it('GSM-7 extension characters count two, and an escape pair is never split across segments', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', characters: 160, segments: 1 });
    expect(smsSegments(`${'a'.repeat(159)}{`)).toEqual({ encoding: 'GSM-7', characters: 161, segments: 2 });
    // 152 septets, then a pair that would straddle the boundary: it moves whole to the second part.
    expect(smsSegments(`${'a'.repeat(152)}${'['.repeat(77)}`).segments).toBe(3);
    expect(smsSegments(`${'a'.repeat(153)}${'['.repeat(76)}`).segments).toBe(2);
  });

  it('the Spanish letters GSM-7 has (é ñ ü ¿ ¡) keep it; one it lacks (á) makes the whole text UCS-2', () => {
    expect(smsSegments('¿Señal pingüino? ¡Qué!').encoding).toBe('GSM-7');
    expect(smsSegments('información').encoding).toBe('UCS-2');
  });

  it('UCS-2: 70 code units fit one segment, then 67 per segment', () => {
    expect(smsSegments('安'.repeat(70))).toEqual({ encoding: 'UCS-2', characters: 70, segments: 1 });
    expect(smsSegments('安'.repeat(71))).toEqual({ encoding: 'UCS-2', characters: 71, segments: 2 });
    expect(smsSegments('安'.repeat(134))).toEqual({ encoding: 'UCS-2', characters: 134, segments: 2 });
    expect(smsSegments('安'.repeat(135))).toEqual({ encoding: 'UCS-2', characters: 135, segments: 3 });
  });

  it('a character outside the BMP is a surrogate pair: two units, never split', () => {
    expect(smsSegments('😀')).toEqual({ encoding: 'UCS-2', characters: 2, segments: 1 });
    expect(smsSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', characters: 70, segments: 1 });
    // 66 units, then a pair that does not fit the first part's 67: it starts the second.
    expect(smsSegments(`${'a'.repeat(66)}${'😀'.repeat(3)}`)).toEqual({ encoding: 'UCS-2', characters: 72, segments: 2 });
    expect(smsSegments(`${'a'.repeat(66)}😀${'a'.repeat(66)}`).segments).toBe(3);
  });

  it('an empty text is one (empty) segment', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', characters: 0, segments: 1 });
  });
});
