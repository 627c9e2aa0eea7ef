package app.oviya.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

/** The public door: token checks, problem+json, request ids, headers, and dependency failures. */
@QuarkusTest
@QuarkusTestResource(value = FakeAuthService.class, restrictToAnnotatedClass = true)
class GatewayEdgeTest {

    private static JwtClaims claims() {
        JwtClaims c = new JwtClaims();
        c.setIssuer("https://oviya.app");
        c.setAudience("oviya-api");
        c.setSubject(UUID.randomUUID().toString());
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(15);
        c.setGeneratedJwtId();
        c.setClaim("plan", "free");
        return c;
    }

    private static String sign(JwtClaims claims, String alg, Key key, String kid) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setKey(key);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        if (AlgorithmIdentifiers.NONE.equals(alg)) {
            jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        } else if (AlgorithmIdentifiers.HMAC_SHA256.equals(alg)) {
            jws.setDoKeyValidation(false);
        }
        return jws.getCompactSerialization();
    }

    private static String valid() throws JoseException {
        return sign(claims(), AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.KEYS.getPrivate(), FakeAuthService.KID);
    }

    private static void rejected(String token, String detail) {
        given().auth().oauth2(token).get("/v1/conversations")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("code", equalTo("unauthorized"))
                .body("status", equalTo(401))
                .body("detail", containsString(detail));
    }

    @Test
    void aValidTokenPassesAndAnUnreachableChatServiceIsA503Problem() throws JoseException {
        given().auth().oauth2(valid()).get("/v1/conversations")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("code", equalTo("unavailable"))
                .body("detail", not(containsString("Exception")));
    }

    @Test
    void noTokenOrAMalformedOneIsRejected() {
        given().get("/v1/conversations").then().statusCode(401).body("code", equalTo("unauthorized"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/v1/me").then().statusCode(401);
        rejected("not.a.jwt", "malformed");
    }

    @Test
    void algNoneIsRejected() throws JoseException {
        rejected(sign(claims(), AlgorithmIdentifiers.NONE, null, FakeAuthService.KID), "algorithm");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRejected() throws JoseException {
        byte[] publicKey = FakeAuthService.KEYS.getPublic().getEncoded();
        rejected(sign(claims(), AlgorithmIdentifiers.HMAC_SHA256, new SecretKeySpec(publicKey, "HmacSHA256"), FakeAuthService.KID), "algorithm");
    }

    @Test
    void aTamperedTokenIsRejected() throws JoseException {
        String[] parts = valid().split("\\.");
        JwtClaims upgraded = claims();
        upgraded.setClaim("plan", "premium");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(upgraded.toJson().getBytes(StandardCharsets.UTF_8));
        rejected(parts[0] + "." + payload + "." + parts[2], "not valid");
    }

    @Test
    void expiredWrongIssuerWrongAudienceAndUnknownKeyAreRejected() throws JoseException {
        JwtClaims expired = claims();
        expired.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 3600));
        expired.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        rejected(sign(expired, AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.KEYS.getPrivate(), FakeAuthService.KID), "expired");

        JwtClaims issuer = claims();
        issuer.setIssuer("https://evil.example");
        rejected(sign(issuer, AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.KEYS.getPrivate(), FakeAuthService.KID), "not valid");

        JwtClaims audience = claims();
        audience.setAudience("another-api");
        rejected(sign(audience, AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.KEYS.getPrivate(), FakeAuthService.KID), "not valid");

        rejected(sign(claims(), AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.KEYS.getPrivate(), "rotated-away"), "unknown key");
    }

    @Test
    void afterAKeyRotationTheNewKidIsFetchedAndOldTokensStillVerify() throws JoseException {
        String old = valid();
        String next = sign(claims(), AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.NEXT_KEYS.getPrivate(), FakeAuthService.NEXT_KID);
        rejected(next, "unknown key");
        FakeAuthService.rotated = true;
        try {
            // 503: the token passed, the (absent) chat-service answered.
            given().auth().oauth2(next).get("/v1/conversations").then().statusCode(503);
            given().auth().oauth2(old).get("/v1/conversations").then().statusCode(503);
            // A token signed by the new key but naming the old kid is still refused.
            rejected(sign(claims(), AlgorithmIdentifiers.RSA_USING_SHA256, FakeAuthService.NEXT_KEYS.getPrivate(), FakeAuthService.KID),
                    "not valid");
        } finally {
            FakeAuthService.rotated = false;
        }
    }

    @Test
    void everyResponseCarriesARequestIdAndSecurityHeaders() {
        given().header("X-Request-Id", "client-chosen-42").get("/q/health/live")
                .then().statusCode(200).header("X-Request-Id", "client-chosen-42");
        given().get("/v1/conversations")
                .then().statusCode(401)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"))
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY");
        given().header("X-Request-Id", "bad id with spaces").get("/q/health/live")
                .then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void badBodiesAreClear400s() {
        given().contentType(ContentType.JSON).body("{\"email\": ").post("/v1/auth/register")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("validation_failed")).body("detail", containsString("JSON"));
        given().contentType(ContentType.JSON).body("{\"email\":\"a@b.co\",\"password\":\"long enough pw\",\"admin\":true}")
                .post("/v1/auth/register")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("detail", containsString("admin"));
        given().contentType(ContentType.JSON).post("/v1/auth/login")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body("{\"email\":\"" + "x".repeat(70 * 1024) + "\"}").post("/v1/auth/login")
                .then().statusCode(413);
    }

    @Test
    void authServiceErrorsKeepTheirCode() {
        given().contentType(ContentType.JSON).body("{\"email\":\"taken@example.com\",\"password\":\"long enough pw\"}")
                .post("/v1/auth/register")
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("conflict"));
    }

    @Test
    void theWebChatAndTheJwksAreServed() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html")).body(containsString("Oviya"));
        given().get("/app.js").then().statusCode(200).body(containsString("text/event-stream"));
        given().get("/.well-known/jwks.json").then().statusCode(200).body("keys[0].kid", equalTo(FakeAuthService.KID))
                .body("keys[0].d", equalTo(null));
        given().get("/q/metrics").then().statusCode(200).body(notNullValue());
    }
}
