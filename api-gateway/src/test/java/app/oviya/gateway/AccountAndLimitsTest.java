package app.oviya.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.auth.v1.Plan;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;

/**
 * Rate limits, daily quotas and the /v1/me endpoints through the running gateway, with the real
 * Redis (own key prefix) and fake peers ({@link FakeBackends}).
 */
@QuarkusTest
@QuarkusTestResource(value = FakeBackends.class, restrictToAnnotatedClass = true)
class AccountAndLimitsTest {

    static String token(String userId, Plan plan) throws JoseException {
        FakeBackends.plans.put(userId, plan);
        JwtClaims c = new JwtClaims();
        c.setIssuer("https://oviya.app");
        c.setAudience("oviya-api");
        c.setSubject(userId);
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(15);
        c.setGeneratedJwtId();
        c.setClaim("plan", switch (plan) {
            case PLAN_PRO -> "pro";
            case PLAN_PREMIUM -> "premium";
            default -> "free";
        });
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(FakeAuthService.KEYS.getPrivate());
        jws.setKeyIdHeaderValue(FakeAuthService.KID);
        return jws.getCompactSerialization();
    }

    static Response send(String token, String content) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body("{\"content\":\"" + content + "\"}")
                .post("/v1/conversations/c1/messages");
    }

    @Test
    void theEleventhMessageWithinAMinuteIs429WithRetryAfterAndRateLimitHeaders() throws Exception {
        // Premium: 10 per minute, no daily quota.
        String token = token(UUID.randomUUID().toString(), Plan.PLAN_PREMIUM);
        for (int i = 1; i <= 10; i++) {
            send(token, "hello " + i).then().statusCode(201)
                    .header("RateLimit-Policy", equalTo("\"minute\";q=10;w=60"))
                    .header("RateLimit", matchesPattern("\"minute\";r=" + (10 - i) + ";t=\\d+"));
        }
        send(token, "one too many").then().statusCode(429)
                .contentType("application/problem+json")
                .body("code", equalTo("rate_limited"))
                .body("status", equalTo(429))
                .header("Retry-After", matchesPattern("[56]"))
                .header("RateLimit-Policy", equalTo("\"minute\";q=10;w=60"))
                .header("RateLimit", matchesPattern("\"minute\";r=0;t=\\d+"))
                .header("X-Request-Id", notNullValue());
        // A message that may be a crisis is never stopped by a limit.
        send(token, "I want to end my life").then().statusCode(201);
    }

    @Test
    void freePlansEleventhMessageOfTheDayIsDailyQuotaExceededButProIsNot() throws Exception {
        String freeUser = UUID.randomUUID().toString();
        String free = token(freeUser, Plan.PLAN_FREE);
        String pro = token(UUID.randomUUID().toString(), Plan.PLAN_PRO);
        for (int i = 1; i <= 10; i++) {
            send(free, "hi " + i).then().statusCode(201)
                    .header("RateLimit", containsString("\"day\";r=" + (10 - i) + ";t="));
            send(pro, "hi " + i).then().statusCode(201);
        }
        given().auth().oauth2(free).get("/v1/me").then().statusCode(200)
                .body("id", equalTo(freeUser))
                .body("plan", equalTo("free"))
                .body("usage.messagesToday", equalTo(10))
                .body("usage.dailyLimit", equalTo(10))
                .body("usage.remaining", equalTo(0))
                .body("usage.resetsAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT00:00:00Z"))
                .body("limits.messagesPerMinute", equalTo(600))
                .body("limits.messagesPerDay", equalTo(10));
        send(free, "one more").then().statusCode(429)
                .body("code", equalTo("daily_quota_exceeded"))
                .header("Retry-After", matchesPattern("\\d+"))
                .header("RateLimit-Policy", containsString("\"day\";q=10;w=86400"))
                .header("RateLimit", containsString("\"day\";r=0;"));
        send(pro, "eleventh").then().statusCode(201);
        given().auth().oauth2(pro).get("/v1/me").then().statusCode(200)
                .body("usage.messagesToday", equalTo(11))
                .body("usage.dailyLimit", nullValue())
                .body("limits.messagesPerDay", nullValue());
    }

    @Test
    void registerAndLoginAreLimitedPerClientAddress() {
        String ip = "203.0.113." + (int) (Math.random() * 250) + "-" + UUID.randomUUID();
        String body = "{\"email\":\"a@example.com\",\"password\":\"long enough pw\"}";
        // Burst of 20, then one more every 3 s: on a slow machine a slot may refill during the loop.
        int accepted = 0;
        Response refused = null;
        for (int i = 0; i < 30 && refused == null; i++) {
            // The test profile trusts one proxy: the entry it appended counts; a made-up address the
            // client put in front of it, new on every request, does not get it a fresh limit.
            Response r = given().header("X-Forwarded-For", "198.51.100." + i + ", " + ip).contentType(ContentType.JSON).body(body)
                    .post(i % 2 == 0 ? "/v1/auth/register" : "/v1/auth/login");
            if (r.statusCode() == 429) {
                refused = r;
            } else {
                accepted++;
                assertTrue(r.getHeader("RateLimit").startsWith("\"auth\";r="), r.getHeader("RateLimit"));
            }
        }
        assertTrue(refused != null && accepted >= 20 && accepted <= 25, "accepted " + accepted);
        refused.then().body("code", equalTo("rate_limited")).header("Retry-After", notNullValue())
                .header("RateLimit-Policy", containsString("q=20;w=60"));
        given().header("X-Forwarded-For", ip + "-other").contentType(ContentType.JSON).body(body).post("/v1/auth/register")
                .then().statusCode(201);
    }

    @Test
    void patchMeForwardsOnlyKnownFieldsAndRejectsBadBodies() throws Exception {
        String user = UUID.randomUUID().toString();
        String token = token(user, Plan.PLAN_PREMIUM);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"displayName\":\"Mira\",\"timezone\":\"Asia/Kolkata\"}")
                .patch("/v1/me").then().statusCode(200)
                .body("displayName", equalTo("Mira")).body("timezone", equalTo("Asia/Kolkata")).body("usage", notNullValue());
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"plan\":\"premium\"}")
                .patch("/v1/me").then().statusCode(400).body("code", equalTo("validation_failed")).body("detail", containsString("plan"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"displayName\":")
                .patch("/v1/me").then().statusCode(400).body("code", equalTo("validation_failed"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{}")
                .patch("/v1/me").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"displayName\":\"x\"}").patch("/v1/me").then().statusCode(401);
        assertEquals(1, FakeBackends.calls.stream().filter(c -> c.equals("auth.updateProfile:" + user)).count(),
                "only the valid request reached auth-service");
    }

    @Test
    void patchMeSetsAValidCountryShowsItInMeAndExportAndRejectsBadCodes() throws Exception {
        String user = UUID.randomUUID().toString();
        String token = token(user, Plan.PLAN_FREE);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"country\":\"gb\"}")
                .patch("/v1/me").then().statusCode(200).body("country", equalTo("GB"));
        assertTrue(FakeBackends.calls.contains("auth.updateProfile:" + user));
        given().auth().oauth2(token).get("/v1/me").then().statusCode(200).body("country", equalTo("GB"));
        given().auth().oauth2(token).get("/v1/me/export").then().statusCode(200).body("account.country", equalTo("GB"));
        for (String bad : new String[] {"XX", "USA", "U", "12", "United Kingdom"}) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"country\":\"" + bad + "\",\"displayName\":\"Changed\"}")
                    .patch("/v1/me").then().statusCode(400).body("code", equalTo("validation_failed"))
                    .body("detail", containsString("country"));
        }
        assertEquals(1, FakeBackends.calls.stream().filter(c -> c.equals("auth.updateProfile:" + user)).count(),
                "bad codes never reach auth-service");
        given().auth().oauth2(token).get("/v1/me").then().body("country", equalTo("GB")).body("displayName", equalTo("Test"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"country\":\"\"}")
                .patch("/v1/me").then().statusCode(200).body("country", nullValue());
    }

    @Test
    void exportCollectsEveryService() throws Exception {
        String user = UUID.randomUUID().toString();
        given().auth().oauth2(token(user, Plan.PLAN_FREE)).get("/v1/me/export").then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("account.id", equalTo(user))
                .body("account.sessions", hasSize(1))
                .body("conversations", hasSize(1))
                .body("conversations[0].messages", hasSize(2))
                .body("memories", hasSize(2))
                .body("aiUsage[0].requests", equalTo(2))
                .body("messagesToday.messagesToday", equalTo(0));
    }

    @Test
    void deleteFansOutToEveryServiceAndTheAccountGoesLast() throws Exception {
        String user = UUID.randomUUID().toString();
        String token = token(user, Plan.PLAN_FREE);
        send(token, "hello").then().statusCode(201);
        assertTrue(redisKeys(user).size() >= 2, "usage counters exist: " + redisKeys(user));

        FakeBackends.chatDown = true;
        try {
            given().auth().oauth2(token).delete("/v1/me").then().statusCode(503)
                    .contentType("application/problem+json").body("code", equalTo("unavailable"))
                    .body("detail", containsString("chat-service"));
        } finally {
            FakeBackends.chatDown = false;
        }
        assertFalse(FakeBackends.calls.contains("auth.deleteAccount:" + user), "the account stays while data remains");

        given().auth().oauth2(token).delete("/v1/me").then().statusCode(204);
        for (String call : List.of("chat.deleteUserData:", "ai.deleteUserData:", "memory.forgetAll:", "auth.deleteAccount:")) {
            assertTrue(FakeBackends.calls.contains(call + user), call);
        }
        assertTrue(FakeBackends.calls.lastIndexOf("auth.deleteAccount:" + user) > FakeBackends.calls.lastIndexOf("chat.deleteUserData:" + user));
        assertEquals(List.of(), redisKeys(user), "no usage counters left in Redis");
        // Idempotent: a retry (the token is still valid until it expires) succeeds again.
        given().auth().oauth2(token).delete("/v1/me").then().statusCode(204);
    }

    static List<String> redisKeys(String user) throws IOException, InterruptedException {
        // The same Redis the app under test uses (REDIS_URL, as in application.properties).
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://localhost:6379");
        Process p = new ProcessBuilder("redis-cli", "-u", url, "--scan", "--pattern", FakeBackends.KEY_PREFIX + "{" + user + "}*")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }
}
