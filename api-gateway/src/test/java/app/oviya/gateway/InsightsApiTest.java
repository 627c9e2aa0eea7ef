package app.oviya.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.auth.v1.Plan;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /v1/insights/mood through the gateway, with a fake chat-service ({@link FakeBackends}). */
@QuarkusTest
@QuarkusTestResource(value = FakeBackends.class, restrictToAnnotatedClass = true)
class InsightsApiTest {

    private static String token(Plan plan) throws Exception {
        return AccountAndLimitsTest.token(UUID.randomUUID().toString(), plan);
    }

    private static String userOf(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        return payload.replaceAll(".*\"sub\":\"([^\"]+)\".*", "$1");
    }

    private static List<String> chatCallsOf(String user) {
        return FakeBackends.calls.stream().filter(c -> c.startsWith("chat.getMoodTimeline:" + user)).toList();
    }

    @Test
    void premiumGetsItsTimelinePerDayWithLabelsAndTheDefaultOf30Days() throws Exception {
        String token = token(Plan.PLAN_PREMIUM);
        given().auth().oauth2(token).get("/v1/insights/mood")
                .then().statusCode(200)
                .contentType("application/json")
                .body("days", equalTo(30))
                .body("from", equalTo("2026-01-01"))
                .body("to", equalTo("2026-01-30"))
                .body("items", hasSize(2))
                .body("items.date", contains("2026-01-02", "2026-01-05"))
                .body("items[0].dominant", equalTo("joy"))
                .body("items[0].count", equalTo(3))
                .body("items[0].labels.joy.count", equalTo(3))
                .body("items[0].labels.joy.meanIntensity", equalTo(0.7f))
                .body("items[1].dominant", equalTo("anxiety"))
                .body("items[1].labels.anxiety.meanIntensity", equalTo(0.812f))
                .body("items[1].labels.sadness.count", equalTo(1));
        assertEquals(List.of("chat.getMoodTimeline:" + userOf(token) + ":30"), chatCallsOf(userOf(token)));

        given().auth().oauth2(token).queryParam("days", "7").get("/v1/insights/mood").then().statusCode(200).body("days", equalTo(7));
        given().auth().oauth2(token).queryParam("days", "365").get("/v1/insights/mood").then().statusCode(200);
        given().auth().oauth2(token).queryParam("days", "1").get("/v1/insights/mood").then().statusCode(200);
    }

    @Test
    void freeAndProAre403PlanRequiredAndChatIsNotAsked() throws Exception {
        for (Plan plan : List.of(Plan.PLAN_FREE, Plan.PLAN_PRO)) {
            String token = token(plan);
            given().auth().oauth2(token).get("/v1/insights/mood")
                    .then().statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("plan_required"))
                    .body("status", equalTo(403))
                    .body("type", equalTo("https://oviya.app/problems/plan-required"));
            assertTrue(chatCallsOf(userOf(token)).isEmpty(), plan + " must not reach chat-service");
        }
    }

    @Test
    void badDaysAre400() throws Exception {
        String token = token(Plan.PLAN_PREMIUM);
        for (String days : List.of("0", "-1", "366", "abc", "7.5", "99999999999")) {
            given().auth().oauth2(token).queryParam("days", days).get("/v1/insights/mood")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("code", equalTo("validation_failed"));
        }
        assertTrue(chatCallsOf(userOf(token)).isEmpty(), "nothing was asked of chat-service");
    }

    @Test
    void withoutATokenIts401() {
        given().get("/v1/insights/mood").then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void chatDownIs503() throws Exception {
        String token = token(Plan.PLAN_PREMIUM);
        FakeBackends.chatDown = true;
        try {
            given().auth().oauth2(token).get("/v1/insights/mood")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", equalTo("unavailable"));
        } finally {
            FakeBackends.chatDown = false;
        }
    }
}
