// A real OpenID Connect provider for the tests (npm's oidc-provider, installed into .var/node by
// `make browser-deps`), started by tests/oidc/provider.py.
//
//   node tests/oidc/provider.mjs PORT NODE_MODULES_DIR ACCOUNTS_JSON
//
// Clients register themselves (dynamic client registration, open: a test provider). A client registered with
// the extra metadata `id_token_audience` gets ID tokens for that audience instead of its own client id: the
// provider then issues tokens meant for another application, which the relying party must refuse.
//
// People sign in through the provider's own development pages (any login, any password). The login is the
// person's email address; ACCOUNTS_JSON (read again at every sign-in) may give a login other claims
// (email_verified, given_name, family_name, locale). Prints "ready ISSUER" once it listens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [port, nodeModules, accountsPath] = process.argv.slice(2);
const { default: Provider } = await import(
  pathToFileURL(join(nodeModules, 'oidc-provider', 'lib', 'index.js')).href
);

const issuer = `http://127.0.0.1:${port}`;

function accountClaims(login) {
  const accounts = JSON.parse(readFileSync(accountsPath, 'utf8'));
  const [localPart] = login.split('@');
  return {
    sub: login,
    email: login,
    email_verified: true,
    given_name: localPart.split('.')[0] || localPart,
    family_name: localPart.split('.')[1] || 'Tremblay',
    locale: 'fr-CA',
    ...(accounts[login] || {}),
  };
}

const provider = new Provider(issuer, {
  features: {
    registration: { enabled: true },
    devInteractions: { enabled: true },
  },
  extraClientMetadata: { properties: ['id_token_audience'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'locale'],
  },
  // The relying party asks for the scopes; let userinfo and the ID token carry the claims.
  conformIdTokenClaims: false,
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return accountClaims(sub);
      },
    };
  },
  cookies: { keys: ['tests-only-cookie-key'] },
});

// An ID token for another audience, when the client was registered so (see above).
const issue = provider.IdToken.prototype.issue;
provider.IdToken.prototype.issue = async function issueForAudience(options) {
  const audience = this.client.id_token_audience;
  if (!audience || options?.use !== 'idtoken') {
    return issue.call(this, options);
  }
  const { clientId } = this.client;
  this.client.clientId = audience;
  try {
    return await issue.call(this, options);
  } finally {
    this.client.clientId = clientId;
  }
};

// The test run holds our stdin: when it ends, however it ends, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
