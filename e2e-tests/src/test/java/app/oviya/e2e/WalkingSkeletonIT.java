package app.oviya.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking skeleton, end to end: the five packaged services on random ports, driven through
 * the gateway exactly as the app would, with what they store checked in their own databases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonIT {

    private static LocalStack stack;
    private static final String EMAIL = "e2e-" + UUID.randomUUID() + "@example.com";
    private static final String PASSWORD = "a long and quiet evening";
    private static String token;
    private static String userId;
    private static String conversationId;
    private static String userMessageId;
    private static String replyId;

    @BeforeAll
    static void startStack() throws Exception {
        Path root = Path.of(System.getProperty("oviya.repo.root", "..")).toAbsolutePath().normalize();
        stack = new LocalStack(root).start();
        RestAssured.baseURI = stack.gatewayUrl();
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void registerStoresAHashedPasswordAndReturnsTokens() throws SQLException {
        Response r = given().contentType(ContentType.JSON)
                .body("{\"email\":\" " + EMAIL.toUpperCase() + " \",\"password\":\"" + PASSWORD + "\",\"displayName\":\"Asha\"}")
                .post("/v1/auth/register")
                .then().statusCode(201)
                .header("X-Request-Id", notNullValue())
                .body("tokenType", equalTo("Bearer"))
                .body("accessToken", notNullValue())
                .body("refreshToken", notNullValue())
                .body("user.email", equalTo(EMAIL))
                .body("user.plan", equalTo("free"))
                .body("user.displayName", equalTo("Asha"))
                .extract().response();
        userId = r.path("user.id");

        List<String> hashes = LocalStack.query("oviya_auth_e2e", "select password_hash from users where email = ?", EMAIL);
        assertEquals(1, hashes.size());
        assertTrue(hashes.get(0).startsWith("$argon2id$"), "password must be stored as an Argon2id hash");
        assertTrue(!hashes.get(0).contains(PASSWORD));
    }

    @Test
    @Order(2)
    void loginReturnsAnRs256TokenThatTheGatewayAccepts() {
        token = given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}")
                .post("/v1/auth/login")
                .then().statusCode(200)
                .body("user.id", equalTo(userId))
                .extract().path("accessToken");
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        assertTrue(header.contains("\"RS256\""), header);

        given().auth().oauth2(token).get("/v1/me")
                .then().statusCode(200).body("id", equalTo(userId)).body("plan", equalTo("free"));
        given().get("/.well-known/jwks.json")
                .then().statusCode(200).body("keys[0].kid", equalTo("e2e-key")).body("keys[0].kty", equalTo("RSA"));
    }

    @Test
    @Order(3)
    void createAndListConversations() throws SQLException {
        conversationId = given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"First chat\"}")
                .post("/v1/conversations")
                .then().statusCode(201).body("title", equalTo("First chat")).body("id", notNullValue())
                .extract().path("id");

        given().auth().oauth2(token).get("/v1/conversations")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(conversationId));
        assertEquals(List.of(userId), LocalStack.query("oviya_chat_e2e", "select user_id::text from conversations where id = ?::uuid", conversationId));
    }

    @Test
    @Order(4)
    void sendingAMessageStoresItAndTheOfflineReply() throws Exception {
        Response r = given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON)
                .header("Idempotency-Key", "e2e-" + UUID.randomUUID())
                .body("{\"content\":\"My sister Priya moved to Berlin and I feel so lonely\"}")
                .post("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(201)
                .body("message.role", equalTo("user"))
                .body("message.status", equalTo("complete"))
                .body("reply.role", equalTo("assistant"))
                .body("reply.status", equalTo("complete"))
                .body("reply.emotion.label", equalTo("loneliness"))
                .extract().response();
        userMessageId = r.path("message.id");
        replyId = r.path("reply.id");
        String reply = r.path("reply.content");
        assertTrue(reply.contains("offline mode"), "the offline provider says so: " + reply);

        List<String> rows = LocalStack.query("oviya_chat_e2e",
                "select role || ':' || status || ':' || coalesce(provider, '-') from messages where conversation_id = ?::uuid order by seq",
                conversationId);
        assertEquals(List.of("user:complete:-", "assistant:complete:offline"), rows);
        assertEquals(List.of("1"), LocalStack.query("oviya_ai_e2e", "select count(*)::text from usage_events where user_id = ?::uuid", userId));

        // memory-service got the turn after the reply (asynchronously).
        List<String> memories = List.of();
        for (int i = 0; i < 40 && memories.isEmpty(); i++) {
            memories = LocalStack.query("oviya_memory_e2e", "select content from memories where user_id = ?::uuid", userId);
            Thread.sleep(250);
        }
        assertTrue(memories.stream().anyMatch(m -> m.contains("Priya")), "extracted memories: " + memories);
    }

    @Test
    @Order(5)
    void messagesComeBackNewestFirst() {
        given().auth().oauth2(token).get("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[0].id", equalTo(replyId))
                .body("items[1].id", equalTo(userMessageId))
                .body("nextCursor", equalTo(null));
    }

    @Test
    @Order(6)
    void theReplyStreamsAsServerSentEvents() {
        String body = given().auth().oauth2(token).contentType(ContentType.JSON).accept("text/event-stream")
                .body("{\"content\":\"I have an interview on Friday and I am anxious\"}")
                .post("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(200).contentType(startsWith("text/event-stream"))
                .extract().asString();
        List<String> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("event:")) {
                events.add(line.substring(6).trim());
            }
        }
        assertEquals("message.created", events.get(0), body);
        assertEquals("reply.completed", events.get(events.size() - 1), body);
        assertTrue(events.subList(1, events.size() - 1).stream().allMatch("reply.delta"::equals), body);
        assertTrue(events.size() > 3, body);
        assertTrue(body.contains("id:1"), body);
    }

    @Test
    @Order(7)
    void badInputGetsProblemJsonAndStoresNothing() throws SQLException {
        given().contentType(ContentType.JSON).body("{\"email\":").post("/v1/auth/register")
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        String stranger = "nobody-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body("{\"email\":\"" + stranger + "\"}").post("/v1/auth/register")
                .then().statusCode(400).body("code", equalTo("validation_failed")).body("status", equalTo(400));
        given().contentType(ContentType.JSON).body("{\"email\":\"not-an-email\",\"password\":\"" + PASSWORD + "\"}").post("/v1/auth/register")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        assertEquals(List.of("0"), LocalStack.query("oviya_auth_e2e", "select count(*)::text from users where email in (?, 'not-an-email')", stranger));

        given().get("/v1/conversations")
                .then().statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthorized"));
        given().auth().oauth2(token.substring(0, token.length() - 4) + "AAAA").get("/v1/conversations")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON).body("{}")
                .post("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"hi\",\"mood\":1}")
                .post("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        assertEquals(List.of("4"), LocalStack.query("oviya_chat_e2e", "select count(*)::text from messages where conversation_id = ?::uuid", conversationId));
    }

    @Test
    @Order(8)
    void anotherUsersConversationIsNotFound() {
        String other = given().contentType(ContentType.JSON)
                .body("{\"email\":\"other-" + UUID.randomUUID() + "@example.com\",\"password\":\"" + PASSWORD + "\"}")
                .post("/v1/auth/register").then().statusCode(201).extract().path("accessToken");
        given().auth().oauth2(other).get("/v1/conversations/" + conversationId)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(other).get("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(other).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"hello\"}")
                .post("/v1/conversations/" + conversationId + "/messages")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(other).get("/v1/conversations").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    @Order(8)
    void theCountrySetOnTheAccountReachesTheAiThroughTheGateway() {
        String other = given().contentType(ContentType.JSON)
                .body("{\"email\":\"uk-" + UUID.randomUUID() + "@example.com\",\"password\":\"" + PASSWORD + "\"}")
                .post("/v1/auth/register").then().statusCode(201).extract().path("accessToken");
        given().auth().oauth2(other).contentType(ContentType.JSON).body("{\"country\":\"gb\"}").patch("/v1/me")
                .then().statusCode(200).body("country", equalTo("GB"));
        String conversation = given().auth().oauth2(other).contentType(ContentType.JSON).body("{\"title\":\"night\"}")
                .post("/v1/conversations").then().statusCode(201).extract().path("id");
        // api-gateway reads the country from auth-service and sends it with the message; ai-service
        // answers a high-risk message with that country's crisis line.
        String reply = given().auth().oauth2(other).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body("{\"content\":\"I want to end my life\"}")
                .post("/v1/conversations/" + conversation + "/messages")
                .then().statusCode(201).extract().path("reply.content");
        assertTrue(reply.contains("Samaritans") && reply.contains("116 123"), "UK crisis resources: " + reply);
    }

    @Test
    @Order(9)
    void exportThenDeleteTheAccountLeavesNothingInAnyDatabase() throws SQLException {
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"content\":\"I am allergic to peanuts\"}")
                .post("/v1/memories").then().statusCode(201);
        given().auth().oauth2(token).get("/v1/me/export")
                .then().statusCode(200).body(containsString(conversationId)).body(containsString("peanuts"));

        given().auth().oauth2(token).delete("/v1/me").then().statusCode(204);

        assertEquals(List.of("0"), LocalStack.query("oviya_auth_e2e", "select count(*)::text from users where id = ?::uuid", userId));
        assertEquals(List.of("0"), LocalStack.query("oviya_auth_e2e", "select count(*)::text from refresh_tokens where user_id = ?::uuid", userId));
        assertEquals(List.of("0"), LocalStack.query("oviya_chat_e2e", "select count(*)::text from conversations where user_id = ?::uuid", userId));
        assertEquals(List.of("0"), LocalStack.query("oviya_chat_e2e", "select count(*)::text from messages where user_id = ?::uuid", userId));
        assertEquals(List.of("0"), LocalStack.query("oviya_memory_e2e", "select count(*)::text from memories where user_id = ?::uuid", userId));
        assertEquals(List.of("0"), LocalStack.query("oviya_ai_e2e", "select count(*)::text from usage_events where user_id = ?::uuid", userId));
        // The account is gone: its credentials no longer log in.
        given().contentType(ContentType.JSON).body("{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}")
                .post("/v1/auth/login").then().statusCode(401);
    }
}
