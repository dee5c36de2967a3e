// The development bundle-signing key that signs bundles/palisade.tar.gz. Its private half is
// committed (config/dev-keys/), so anyone can sign with it: it is trusted only when a
// configuration names no verification key, and the gateway warns whenever it is in use.

export const DEVELOPMENT_KEY_ID = 'palisade-dev';

/** The scope development bundles are signed for, so a production key's bundles never pass as them. */
export const DEVELOPMENT_SCOPE = 'development';

/** Embedded rather than read from config/dev-keys so installed gateways need no repository files. */
export const DEVELOPMENT_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsHxnnr8K7O2s3EXL6lb+
cCHXAUO/aPqbU+cWmHgboB9DmzpBMcw0Am070YrTA14WD6OJOZBxa6m+MFxjSwJ8
lV63lJXtKG4ZY+90BKD+h0aJfkyIuiU6G08LuvgDfXxgDNmVeXiw9ROh7NNvVSGO
m3cRneOStn2CacVG6/Qnk3pUr18MIfGuWKeFQvCipIgdj9lAS7yJZ1BVIhHmkweW
4HDiHP4PEHqVphZc1jz6OZ0PITQVVqEa4oAjk1v6nYFJeXG4PZZtOWbpJKyh4/Y9
OlXVb97AzVmfl6WczTE0VmmcCMhyxRCmfkswwLA6gyKvO7QsHzoZqoHMOR9Uwn6q
bwIDAQAB
-----END PUBLIC KEY-----
`;
