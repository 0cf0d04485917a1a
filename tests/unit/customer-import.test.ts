import { describe, expect, it } from 'vitest';
import { OPTIONAL_COLUMNS, parseCsv, parseCustomerFile } from '../../functions/domain/customer-import.js';

// The required columns are pinned (a file written for them must keep loading); optional ones are appended as channels need them.
const header = 'id,name,email,phone,locale,country,channels,resources,data_categories';
const documented = `${header}[,${OPTIONAL_COLUMNS.join(',')}]`;

describe('the customer directory file', () => {
  it('keeps good rows and reports each bad row with its line number and reason', () => {
    const file = [
      header,
      'c1,"Smith, Ada",ada@example.com,,en-GB,GB,email,customer-data,email;name',
      'c2,王伟,wang@example.com,+8613800138000,zh-CN,CN,email;sms,customer-data|arn:aws:s3:::customer-data,email;password',
      'c3,Bob,not-an-email,,en,US,email,r,email',
      'c4,Eve,,,en,US,sms,r,email',
      'c5,Too,few',
      'c1,Dup,dup@example.com,,en,GB,email,r,email',
      '',
      'c6,Zed,zed@example.com,,en,gb,email,,email',
    ].join('\r\n');
    const { customers, errors } = parseCustomerFile(file);
    expect(customers.map((c) => c.profile.customerId)).toEqual(['c1', 'c2']);
    expect(customers[0]!.profile.name).toBe('Smith, Ada');
    expect(customers[1]).toMatchObject({
      profile: { channels: ['email', 'sms'], phone: '+8613800138000' },
      resources: [{ resource: 'customer-data' }, { resource: 'arn:aws:s3:::customer-data', dataCategories: ['email', 'password'] }],
    });
    expect(errors).toEqual([
      { line: 4, reason: 'email is not an address' },
      { line: 5, reason: 'channel sms needs a phone number' },
      { line: 6, reason: 'expected 9 columns, found 3' },
      { line: 7, reason: 'id c1 appears on an earlier line' },
      { line: 9, reason: 'country must be an ISO 3166 alpha-2 code; resources is empty' },
    ]);
  });

  it('refuses a file without the documented header', () => {
    expect(parseCustomerFile('customer,name\nc1,x').errors).toEqual([{ line: 1, reason: `the header must be: ${documented}` }]);
  });

  it('an optional trailing time_zone column: valid zones kept as written, empty means the country’s, an invalid one is a row error with its line', () => {
    // Prepare
    const file = [
      `${header},time_zone`,
      'c1,Ann,ann@example.com,,en-US,US,email,r,email,America/Los_Angeles',
      'c2,王伟,wang@example.com,,zh-CN,CN,email,r,email,',
      'c3,Bob,bob@example.com,,en,GB,email,r,email,Mars/Olympus_Mons',
      'c4,Eve,eve@example.com,,en,GB,email,r,email',
    ].join('\n');
    // Act
    const { customers, errors } = parseCustomerFile(file);
    // Assess
    expect(customers.map((c) => [c.profile.customerId, c.profile.timeZone])).toEqual([
      ['c1', 'America/Los_Angeles'],
      ['c2', undefined],
    ]);
    expect(errors).toEqual([
      { line: 4, reason: 'time_zone must be an IANA time zone, like Asia/Shanghai' },
      { line: 5, reason: 'expected 10 columns, found 9' },
    ]);
  });

  it("an optional region column after time_zone: ISO 3166-2 kept, a bare state code placed in the row's country, empty means none, a foreign or malformed one refused", () => {
    // Prepare
    const file = [
      `${header},time_zone,region`,
      'c1,Ann,ann@example.com,,en,US,email,r1,email,America/Los_Angeles,US-CA',
      'c2,Bob,bob@example.com,,en,US,email,r1,email,,TX',
      'c3,Cai,cai@example.com,,zh-CN,CN,email,r1,email,,',
      'c4,Dan,dan@example.com,,en,US,email,r1,email,,CA-ON',
      'c5,Eve,eve@example.com,,en,US,email,r1,email,,california',
    ].join('\n');
    // Act
    const { customers, errors } = parseCustomerFile(file);
    // Assess
    expect(customers.map((c) => c.profile.region)).toEqual(['US-CA', 'US-TX', undefined]);
    expect(errors).toEqual([
      { line: 5, reason: "region must be in the row's country (US-CA for US)" },
      { line: 6, reason: 'region must be an ISO 3166-2 code, like US-CA, or the state code, like CA' },
    ]);
  });

  it('a file without the time_zone column loads as before, with no zone on any profile', () => {
    // Act
    const { customers, errors } = parseCustomerFile(`${header}\nc1,Ann,ann@example.com,,en,GB,email,r,email\n`);
    // Assess
    expect(errors).toEqual([]);
    expect(customers[0]!.profile.timeZone).toBeUndefined();
  });

  it('columns after time_zone, or a misspelt one, are refused at the header', () => {
    // Act
    const results = [`${header},time_zone,extra`, `${header},timezone`].map((h) => parseCustomerFile(`${h}\nc1,x`).errors);
    // Assess
    expect(results).toEqual([[{ line: 1, reason: `the header must be: ${documented}` }], [{ line: 1, reason: `the header must be: ${documented}` }]]);
  });

  it('parses quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,""c""\nd",e\n')).toEqual([[1, ['a', 'b,"c"\nd', 'e']]]);
  });
});
