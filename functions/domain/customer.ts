/** A customer as the directory knows them; contact details never leave DynamoDB but for the providers. */
export interface CustomerProfile {
  customerId: string;
  name: string;
  email?: string;
  phone?: string;
  locale: string;
  country: string;
  /** IANA time zone from the directory; without it notices use the country's (domain/time-zones.ts). */
  timeZone?: string;
  /** ISO 3166-2 subdivision (`US-CA`) when the directory gives it: state laws and California's notice format follow it. */
  region?: string;
  /** Names of the channels they chose (domain/channels/registry.ts). */
  channels: string[];
}

export interface CustomerResource {
  resource: string;
  dataCategories: string[];
}
