/** An error as an AWS SDK client throws it: matched by name, as the steps do. */
export function namedError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}
