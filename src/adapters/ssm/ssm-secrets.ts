/**
 * The SecretSource port on SSM Parameter Store: SecureString parameters read with decryption,
 * cached for the life of the process (one Lambda cold start), so a warm invocation never calls
 * SSM unless asked to `refresh` a rotated one. A failed read is not cached (the next invocation retries). Values are never logged and
 * never appear in error messages; names may.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { InfrastructureError, NotConfiguredError } from '../../app/errors.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';

export class SsmSecrets implements SecretSource {
  readonly #client: SSMClient;
  readonly #cache = new Map<string, Promise<string>>();

  constructor(options: { readonly client: SSMClient }) {
    this.#client = options.client;
  }

  get(name: string): Promise<string> {
    const cached = this.#cache.get(name);
    if (cached !== undefined) return cached;
    // Concurrent first reads share one request.
    const read = this.#read(name);
    this.#cache.set(name, read);
    void read.catch(() => this.#cache.delete(name));
    return read;
  }

  /** Drops the cached value and reads the parameter again (a rotated secret). */
  refresh(name: string): Promise<string> {
    this.#cache.delete(name);
    return this.get(name);
  }

  async #read(name: string): Promise<string> {
    let value: string | undefined;
    try {
      const output = await this.#client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      value = output.Parameter?.Value;
    } catch (error) {
      if (error instanceof Error && error.name === 'ParameterNotFound')
        throw new NotConfiguredError(`SSM parameter '${name}'`);
      throw new InfrastructureError(
        `reading SSM parameter '${name}' failed: ${error instanceof Error ? error.name : 'unknown error'}`,
        { cause: error },
      );
    }
    if (value === undefined || value === '') throw new NotConfiguredError(`SSM parameter '${name}'`);
    return value;
  }
}
