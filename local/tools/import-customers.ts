import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CustomersRepository } from '../../functions/adapters/customers-repository.js';
import { parseCustomerFile } from '../../functions/domain/customer-import.js';

/**
 * `npm run import-customers -- FILE.csv [TABLE]`: loads a directory file into the customers table,
 * keeping good rows and reporting each bad one with its line number. Against the twin by default;
 * set AWS_ENDPOINT_URL= (empty) and pass the stack's CustomersTableName to load a deployed table.
 */
const [file, table = 'breach-notice-customers'] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run import-customers -- FILE.csv [TABLE]');
  process.exit(2);
}
const { customers, errors } = parseCustomerFile(readFileSync(file, 'utf8'));
for (const e of errors) console.error(`${file}:${e.line}: ${e.reason}`);
const endpoint = process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${process.env.BREACH_NOTICE_PORT ?? 4566}`;
const local = endpoint !== '';
const client = new DynamoDBClient({
  ...(local ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  region: process.env.AWS_REGION ?? 'us-east-1',
});
await new CustomersRepository(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), table).putCustomers(customers);
console.log(`imported ${customers.length} customers into ${table}; ${errors.length} rows rejected`);
process.exit(errors.length > 0 ? 1 : 0);
