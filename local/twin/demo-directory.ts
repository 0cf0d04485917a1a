import type { CustomerProfile, CustomerResource } from '../../functions/domain/customer.js';

/** Resources the sample alarms name, so `npm run alarm -- <kind>` reaches the demo customers. */
export const DEMO_RESOURCES = {
  bucket: 'customer-data',
  exports: 'customer-exports',
  database: 'arn:aws:rds:eu-west-1:123456789012:db:customers',
  authService: 'auth-service',
} as const;

const surnames = ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Thomas', 'Roberts'];
const given = ['Alex', 'Sam', 'Jamie', 'Robin', 'Morgan', 'Casey', 'Jordan', 'Taylor'];
const zhSurnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄'];
const zhGiven = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇'];
const countries = ['GB', 'DE', 'FR', 'US', 'SG'];
/** US customers spread over three zones; those without one get the country's (America/New_York). */
const usZones = ['America/Los_Angeles', 'America/Chicago', undefined];

/**
 * A deterministic synthetic directory (no real person): half zh-CN, half English; a third also by
 * SMS; several jurisdictions and time zones; spread over the demo resources with varied data categories.
 */
export function demoDirectory(count = 1000): { profile: CustomerProfile; resources: CustomerResource[] }[] {
  return Array.from({ length: count }, (_, i) => {
    const zh = i % 2 === 1;
    const sms = i % 3 === 0;
    const id = `demo-${String(i).padStart(5, '0')}`;
    const resources: CustomerResource[] = [
      { resource: DEMO_RESOURCES.bucket, dataCategories: i % 5 === 0 ? ['email', 'name', 'password'] : ['email', 'name', 'address'] },
    ];
    if (i % 4 === 0) resources.push({ resource: DEMO_RESOURCES.database, dataCategories: ['payment_card', 'transaction_history'] });
    if (i % 10 === 0) resources.push({ resource: DEMO_RESOURCES.exports, dataCategories: ['name', 'address', 'date_of_birth'] });
    if (i % 7 === 0) resources.push({ resource: DEMO_RESOURCES.authService, dataCategories: ['email', 'password'] });
    const country = zh ? 'CN' : countries[i % countries.length]!;
    return {
      profile: {
        customerId: id,
        name: zh ? `${zhSurnames[i % 8]}${zhGiven[(i >> 3) % 8]}` : `${given[i % 8]} ${surnames[(i >> 3) % 8]}`,
        email: `${id}@customers.example.com`,
        phone: sms ? `+4477009${String(i).padStart(5, '0')}` : undefined,
        locale: zh ? 'zh-CN' : 'en-GB',
        country,
        channels: sms ? ['email', 'sms'] : ['email'],
        timeZone: country === 'US' ? usZones[Math.floor(i / 10) % usZones.length] : undefined,
      },
      resources,
    };
  });
}
