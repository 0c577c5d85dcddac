"""An OpenID Connect provider for the sign-in tests, built on Authlib's authorization server and run as its
own process (tests/web/auth/conftest.py starts it once per session on a free port).

It serves two issuers side by side, as the service meets them:
- /google: one fixed issuer, with `email_verified` in its ID tokens;
- /microsoft: a multi-tenant discovery document whose issuer is ".../microsoft/{tenantid}/v2.0", each token
  issued by its tenant's issuer (with `tid`), and `xms_edov` rather than `email_verified`.

Each has a discovery document, a key set, an authorization endpoint and a token endpoint; codes are single
use, bound to the client, redirect URI and PKCE challenge; ID tokens are RS256-signed. The authorization
endpoint shows a "sign in" form; posting it (as the tests do, with requests) signs in whoever the form
names, so a test chooses the subject, address, whether it is verified and (Google) the Workspace domain
that manages it. Fields named tamper_* make the provider misbehave the way an attacker or a broken provider
would (another audience, another nonce, another issuer, a key it never published), so the tests can show
the service refuses each.

    python -m tests.oidc.provider --client-id ID --client-secret SECRET --redirect-uri URI [...]
prints "listening on <port>" when it is ready.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from markupsafe import escape
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

KID = "test-signing-key"
TAMPERING = ("tamper_aud", "tamper_azp", "tamper_nonce", "tamper_iss", "tamper_key")


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    """The service, registered with one secret and its callback addresses."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(word for word in scope.split() if word in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    """An authorization code as issued: for one client, redirect URI, scope, person and nonce."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


def tenant(name: str, base_url: str, client: Client, key: RSAKey, rogue: RSAKey) -> Flask:
    """One provider (google or microsoft) mounted at base_url."""
    app = Flask(f"provider-{name}")
    multi_tenant = name == "microsoft"
    issuer = f"{base_url}/{{tenantid}}/v2.0" if multi_tenant else base_url
    codes: dict[str, Code] = {}
    used_nonces: set[str] = set()

    class AuthorizationCode(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            data = req.payload.data
            if data.get("nonce"):
                used_nonces.add(data["nonce"])
            codes[code] = Code(
                code=code,
                client_id=req.client.client_id,
                redirect_uri=req.payload.redirect_uri,
                scope=req.scope,
                user=req.user,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, found_client: Client) -> Code | None:
            item = codes.get(code)
            return item if item is not None and item.client_id == found_client.client_id else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            codes.pop(authorization_code.code, None)  # single use

        def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
            return authorization_code.user

    class OpenID(OpenIDCode):  # type: ignore[misc]
        def exists_nonce(self, nonce: str, req: Any) -> bool:
            return nonce in used_nonces  # a code was issued for it already: a replayed request

        def resolve_client_private_key(self, found_client: Client) -> RSAKey:
            return rogue if self._user.get("tamper_key") else key

        def get_encode_header(self, found_client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": KID}  # the rogue key claims the published key's id

        def get_client_claims(self, found_client: Client) -> dict[str, Any]:
            return {"iss": issuer, "aud": [found_client.get_client_id()], "exp": int(time.time()) + 600}

        def encode_id_token(self, token: dict[str, Any], req: Any) -> str:
            self._user = req.user
            return str(super().encode_id_token(token, req))

        def generate_user_info(self, user: dict[str, Any], scope: str) -> UserInfo:
            info = UserInfo(sub=user["sub"], email=user["email"], name=user.get("name", "Test Person"))
            if multi_tenant:
                info["tid"] = user.get("tid") or "9188040d-6c67-4c5b-b112-36a304b66dad"
                info["iss"] = issuer.replace("{tenantid}", info["tid"])
                if user.get("email_verified"):
                    info["xms_edov"] = True
            else:
                info["email_verified"] = bool(user.get("email_verified"))
                # A Workspace account names the domain that manages it; a personal account has no hd.
                managed_by = user.get("hd", user["email"].rpartition("@")[2])
                if managed_by:
                    info["hd"] = managed_by
            # Whatever the test asked the provider to get wrong replaces what it would have said.
            for name in ("aud", "azp", "nonce", "iss"):
                if user.get(f"tamper_{name}"):
                    info[name] = user[f"tamper_{name}"]
            return info

    server = AuthorizationServer(
        app,
        query_client=lambda wanted: client if wanted == client.client_id else None,
        save_token=lambda token, req: None,  # access tokens are never used here
    )
    server.register_grant(AuthorizationCode, [OpenID(require_nonce=True), CodeChallenge(required=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(
            issuer=issuer,
            authorization_endpoint=f"{base_url}/authorize",
            token_endpoint=f"{base_url}/token",
            jwks_uri=f"{base_url}/keys",
            response_types_supported=["code"],
            subject_types_supported=["pairwise"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=["openid", "email", "profile"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            code_challenge_methods_supported=["S256"],
            claims_supported=[
                "sub",
                "iss",
                "aud",
                "email",
                "email_verified",
                "hd",
                "name",
                "tid",
                "xms_edov",
            ],
        )

    @app.get("/keys")
    def keys() -> Any:
        return jsonify(KeySet([key]).as_dict(private=False))

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        if request.method == "GET":
            try:
                server.get_consent_grant(end_user=None)
            except OAuth2Error as error:
                return jsonify(error=error.error, description=error.description), 400
            return _sign_in_form(name)
        form = request.form
        if not form.get("login_sub"):  # "cancel": the person turned back at the provider
            return server.create_authorization_response(grant_user=None)
        user = {
            "sub": form["login_sub"],
            "email": form["login_email"],
            "email_verified": form.get("login_email_verified") == "true",
            "tid": form.get("login_tid", ""),
            **({"hd": form["login_hd"]} if "login_hd" in form else {}),
            **{knob: form[knob] for knob in TAMPERING if form.get(knob)},
        }
        return server.create_authorization_response(grant_user=user)

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    return app


def _sign_in_form(name: str) -> str:
    # The query string carries the authorization request; the form posts it back with the person.
    return (
        f"<!doctype html><title>Sign in to {escape(name)}</title><form method=post>"
        "<input name=login_sub><input name=login_email><input name=login_email_verified value=true>"
        "<button>Sign in</button></form>"
    )


def main(argv: list[str] | None = None) -> None:
    """Serve both providers on a free port of 127.0.0.1 until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True)
    args = parser.parse_args(argv)
    key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
    rogue = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
    client = Client(args.client_id, args.client_secret, args.redirect_uri)
    root = Flask("provider")
    server = make_server("127.0.0.1", 0, root, threaded=True)
    base = f"http://127.0.0.1:{server.port}"
    root.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        root.wsgi_app,
        {f"/{name}": tenant(name, f"{base}/{name}", client, key, rogue) for name in ("google", "microsoft")},
    )
    print(f"listening on {server.port}", flush=True)
    sys.stdout.close()  # nothing else is written: the test reads one line
    server.serve_forever()


if __name__ == "__main__":
    main()
