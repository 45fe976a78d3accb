/** Secrets by name (SSM Parameter Store SecureStrings on AWS). Values are never logged. */
export interface SecretSource {
  /** The secret's value; throws NotConfiguredError when it does not exist, InfrastructureError when the store fails. */
  get(name: string): Promise<string>;
  /** Reads the secret again past any cache (it was rotated: e.g. a re-issued JWT); fails as `get`. */
  refresh?(name: string): Promise<string>;
}
