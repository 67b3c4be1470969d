// A real OpenID provider for the sign-in tests (npm oidc-provider, its development login form):
// node oidc_provider.mjs PORT REDIRECT_URI POST_LOGOUT_URI, accounts as JSON in the file OIDC_ACCOUNTS_FILE,
// read again at every lookup: a test disables an account by writing it with "disabled": true. A disabled
// account's session is not confirmed any more (as Keycloak or Entra ID do): a silent re-authentication
// (prompt=none) answers login_required.
import { readFileSync } from 'node:fs';
import Provider, { interactionPolicy } from 'oidc-provider';

const [port, redirectUri, postLogoutUri] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const accounts = () => JSON.parse(readFileSync(process.env.OIDC_ACCOUNTS_FILE, 'utf8'));
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'account_disabled', 'the account is disabled', 'login_required',
  (ctx) => Boolean(ctx.oidc.session.accountId && accounts()[ctx.oidc.session.accountId]?.disabled),
));

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'servicelead',
    client_secret: 'servicelead-test-secret',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { methods: ['S256'], required: () => true },
  interactions: { policy },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['given_name', 'family_name', 'name'],
    servicelead: ['employee_number', 'groups'],
  },
  scopes: ['openid', 'email', 'profile', 'servicelead'],
  cookies: { keys: ['servicelead-test-cookie-key'] },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => { console.log('ready'); });
