// A real OpenID provider for the sign-in tests (npm oidc-provider, its development login form):
// node oidc_provider.mjs PORT REDIRECT_URI POST_LOGOUT_URI, accounts as JSON in OIDC_ACCOUNTS.
import Provider from 'oidc-provider';

const [port, redirectUri, postLogoutUri] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');

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
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => { console.log('ready'); });
