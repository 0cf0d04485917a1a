export const supportedLocales = ['en', 'zh-CN'] as const;
export type Locale = (typeof supportedLocales)[number];

export function isSupportedLocale(value: string): value is Locale {
  return (supportedLocales as readonly string[]).includes(value);
}

/** Customers in a locale we do not write in get the first configured locale. */
export function resolveLocale(value: string | undefined, configured: readonly Locale[]): Locale {
  const fallback = configured[0] ?? 'en';
  if (!value) return fallback;
  if (isSupportedLocale(value) && configured.includes(value)) return value;
  const language = value.split('-')[0];
  return configured.find((l) => l.split('-')[0] === language) ?? fallback;
}

const dataCategoryLabels: Record<string, Record<Locale, string>> = {
  name: { en: 'name', 'zh-CN': '姓名' },
  email: { en: 'email address', 'zh-CN': '电子邮件地址' },
  phone: { en: 'phone number', 'zh-CN': '电话号码' },
  address: { en: 'postal address', 'zh-CN': '通信地址' },
  date_of_birth: { en: 'date of birth', 'zh-CN': '出生日期' },
  password: { en: 'password (stored in hashed form)', 'zh-CN': '密码（以哈希形式存储）' },
  government_id: { en: 'government ID number', 'zh-CN': '身份证件号码' },
  payment_card: { en: 'payment card details', 'zh-CN': '银行卡信息' },
  bank_account: { en: 'bank account details', 'zh-CN': '银行账户信息' },
  transaction_history: { en: 'transaction history', 'zh-CN': '交易记录' },
  crypto_assets: { en: 'digital assets held with us', 'zh-CN': '您在我们这里持有的数字资产' },
  api_keys: { en: 'API keys', 'zh-CN': 'API 密钥' },
};

export function dataCategoryLabel(category: string, locale: Locale): string {
  return dataCategoryLabels[category]?.[locale] ?? category.replaceAll('_', ' ');
}

export function formatList(items: string[], locale: Locale): string {
  if (locale === 'zh-CN') return items.join('、');
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function formatTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  return locale === 'zh-CN'
    ? `${new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)}（UTC）`
    : `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}
