//! Client authentication by signed assertion: `client_secret_jwt` and `private_key_jwt`.

use super::*;

/// `client_secret_jwt`: an assertion made by another JWT library (jsonwebtoken), with `aud`
/// the endpoint it is sent to, authenticates the client at token and introspect; the same
/// assertion is refused the second time.
#[tokio::test]
async fn client_secret_jwt_authenticates_with_a_one_time_assertion() {
    let h = Harness::start().await;
    h.add_scope(json!({"name": "orders:read"})).await;
    let svc = h
        .create_app(
            json!({"application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"]}),
            json!({"token_endpoint_auth_method": "client_secret_jwt"}),
        )
        .await;
    let secret = svc
        .client_secret
        .clone()
        .expect("a secret for client_secret_jwt");
    let assertion = |endpoint: &str, jti: &str| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &json!({"iss": svc.client_id, "sub": svc.client_id,
                    "aud": h.url(&format!("/oauth2/default/v1/{endpoint}")),
                    "iat": now, "exp": now + 300, "jti": jti}),
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let jwt_bearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    let token = |jwt: String| {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "orders:read"),
                ("client_assertion_type", jwt_bearer),
                ("client_assertion", &jwt),
            ])
            .reply()
    };
    let jwt = assertion("token", "first");
    let res = token(jwt.clone()).await;
    assert_eq!(res.status, StatusCode::OK);
    let access = res.json["access_token"].as_str().unwrap().to_owned();
    let res = token(jwt).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let e: Value = res.json;
    assert_eq!(e["error"], "invalid_client");
    assert_eq!(
        e["error_description"],
        "The client_assertion token has already been used."
    );
    // An assertion for the token endpoint is not one for introspect.
    let introspect = |jwt: String| {
        h.http
            .post(h.url("/oauth2/default/v1/introspect"))
            .form(&[
                ("token", access.as_str()),
                ("client_assertion_type", jwt_bearer),
                ("client_assertion", &jwt),
            ])
            .reply()
    };
    let res = introspect(assertion("token", "second")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = introspect(assertion("introspect", "third")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json["active"], true);
}

/// `private_key_jwt`: the app holds public keys in `settings.oauthClient.jwks` (RSA and EC);
/// an assertion signed by the matching private key authenticates, one signed by another key
/// or naming an unknown `kid` does not, and the app cannot be made without keys.
#[tokio::test]
async fn private_key_jwt_checks_the_assertion_against_the_apps_keys() {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
    let h = Harness::start().await;
    h.add_scope(json!({"name": "orders:read"})).await;
    let settings = |jwks: Option<Value>| {
        let mut s = json!({"application_type": "service", "grant_types": ["client_credentials"],
                           "response_types": ["token"]});
        if let Some(j) = jwks {
            s["jwks"] = j;
        }
        json!({"name": "oidc_client", "label": "Keys", "signOnMode": "OPENID_CONNECT",
               "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
               "settings": {"oauthClient": s}})
    };
    let res = h
        .api(reqwest::Method::POST, "/api/v1/apps")
        .json(&settings(None))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let e: Value = res.json;
    assert_eq!(e["errorCode"], "E0000001");
    assert!(
        e["errorCauses"][0]["errorSummary"]
            .as_str()
            .unwrap()
            .starts_with("jwks:"),
        "{e}"
    );

    let rsa = ClientKey::rsa("rsa-1");
    let rng = ring::rand::SystemRandom::new();
    let ec_der = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let ec =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, ec_der.as_ref(), &rng).unwrap();
    let point = ec.public_key().as_ref();
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    };
    let jwks = json!({"keys": [
        rsa.jwk,
        {"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..65])}
    ]});
    let res = h
        .api(reqwest::Method::POST, "/api/v1/apps")
        .json(&settings(Some(jwks.clone())))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let app: Value = res.json;
    assert_eq!(app["settings"]["oauthClient"]["jwks"], jwks);
    assert!(
        app["credentials"]["oauthClient"]
            .get("client_secret")
            .is_none()
    );
    let client_id = app["credentials"]["oauthClient"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let token_url = h.url("/oauth2/default/v1/token");
    let sign = |alg: jsonwebtoken::Algorithm, kid: &str, key: &jsonwebtoken::EncodingKey| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut header = jsonwebtoken::Header::new(alg);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            &json!({"iss": client_id, "sub": client_id, "aud": token_url,
                    "iat": now, "exp": now + 300, "jti": format!("{kid}-{now}-{alg:?}")}),
            key,
        )
        .unwrap()
    };
    let ask = |jwt: String| {
        h.http
            .post(&token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "orders:read"),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", &jwt),
            ])
            .reply()
    };
    let rsa_key = &rsa.signing;
    let ec_key = jsonwebtoken::EncodingKey::from_ec_der(ec_der.as_ref());
    let res = ask(sign(jsonwebtoken::Algorithm::RS256, "rsa-1", rsa_key)).await;
    assert_eq!(res.status, StatusCode::OK, "RS256 with the RSA key");
    let res = ask(sign(jsonwebtoken::Algorithm::ES256, "ec-1", &ec_key)).await;
    assert_eq!(res.status, StatusCode::OK, "ES256 with the EC key");

    let error = |res: Reply| {
        let (status, error, description) = res.oauth_error();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error, "invalid_client");
        description
    };
    let other_pem = std::fs::read_to_string(signing_key_file()).unwrap();
    let other = jsonwebtoken::EncodingKey::from_rsa_pem(other_pem.as_bytes()).unwrap();
    let res = ask(sign(jsonwebtoken::Algorithm::RS256, "rsa-1", &other)).await;
    assert_eq!(error(res), "The client_assertion signature is invalid.");
    let res = ask(sign(jsonwebtoken::Algorithm::RS256, "nope", rsa_key)).await;
    assert_eq!(error(res), "The client_assertion JWT kid is invalid.");
}
