// The authenticated caller as every later stage sees it: who, on whose behalf, with which roles.

export interface Principal {
  sub: string;
  iss: string;
  tenant?: string;
  roles: string[];
  app?: string;
  email?: string;
  auth: 'api_key' | 'oidc';
  /** Non-secret label of the credential (API key id), for logs and audit records. */
  credential_id?: string;
}

/** Issuer recorded for principals authenticated by a gateway API key. */
export const API_KEY_ISSUER = 'urn:palisade:api-key';
