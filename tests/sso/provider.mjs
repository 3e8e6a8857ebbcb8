// A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider (an
// OpenID Certified implementation) on the loopback, with its development sign-in pages.
//
//   node tests/sso/provider.mjs PORT REDIRECT_URI
//
// One confidential client ("plantrack", secret "sso-test-secret"). Whoever signs in with the
// login "<local>@<domain>" gets that address as a verified email, names from the local part,
// and an "organisation" claim for the domains listed below.
import Provider from "oidc-provider";

const [port, redirect] = process.argv.slice(2);
const ORGANISATIONS = { "barnet.example": "Barnet Police" };

const provider = new Provider(`http://localhost:${port}`, {
  clients: [{
    client_id: "plantrack",
    client_secret: "sso-test-secret",
    redirect_uris: [redirect],
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_post",
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["given_name", "family_name", "organisation"] },
  async findAccount(ctx, id) {
    const [local, domain] = id.split("@");
    const [given, family] = local.split(".");
    const unverified = local.startsWith("unverified");
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: !unverified,
          given_name: given ? given[0].toUpperCase() + given.slice(1) : "",
          family_name: family ? family[0].toUpperCase() + family.slice(1) : "",
          organisation: ORGANISATIONS[domain],
        };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${provider.issuer}`);
});
