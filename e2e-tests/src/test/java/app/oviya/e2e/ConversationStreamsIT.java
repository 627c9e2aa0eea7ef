package app.oviya.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conversations through the packaged stack: rename and delete, concurrent duplicate sends with one
 * Idempotency-Key (one message, one reply), resuming a reply's stream with Last-Event-ID, and 404
 * for a stranger on every conversation endpoint including both streams.
 */
class ConversationStreamsIT {

    private static LocalStack stack;
    private static final String PASSWORD = "a long and quiet evening";

    @BeforeAll
    static void startStack() throws Exception {
        Path root = Path.of(System.getProperty("oviya.repo.root", "..")).toAbsolutePath().normalize();
        // Two gateway replicas on one Redis, as in production behind the load balancer.
        stack = new LocalStack(root).withSecondGateway().start();
        RestAssured.baseURI = stack.gatewayUrl();
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String register() {
        return given().contentType(ContentType.JSON)
                .body("{\"email\":\"streams-" + UUID.randomUUID() + "@example.com\",\"password\":\"" + PASSWORD + "\"}")
                .post("/v1/auth/register").then().statusCode(201).extract().path("accessToken");
    }

    private static List<String> field(String body, String name) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + ":")) {
                out.add(line.substring(name.length() + 1).strip());
            }
        }
        return out;
    }

    private static String sendStream(String token, String conversation, String content, String key) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).accept("text/event-stream").header("Idempotency-Key", key)
                .body("{\"content\":\"" + content + "\"}")
                .post("/v1/conversations/" + conversation + "/messages")
                .then().statusCode(200).extract().asString();
    }

    @Test
    void theMessageLimitHoldsAcrossTwoGatewayReplicas() {
        String token = register();
        String conversation = given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"two doors\"}")
                .post("/v1/conversations").then().statusCode(201).extract().path("id");
        String[] gateways = {stack.gatewayUrl(), "http://localhost:" + stack.port(LocalStack.SECOND_GATEWAY)};
        // Ten messages (the per-minute limit and the free plan's day), alternating replicas: all pass.
        for (int i = 0; i < 10; i++) {
            given().baseUri(gateways[i % 2]).auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON)
                    .body("{\"content\":\"message " + i + " of the day\"}")
                    .post("/v1/conversations/" + conversation + "/messages")
                    .then().statusCode(201);
        }
        // The eleventh is refused by either replica: the count lives in Redis, not in a replica.
        for (String gateway : gateways) {
            given().baseUri(gateway).auth().oauth2(token).contentType(ContentType.JSON).accept(ContentType.JSON)
                    .body("{\"content\":\"one more\"}")
                    .post("/v1/conversations/" + conversation + "/messages")
                    .then().statusCode(429).contentType("application/problem+json")
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                    .header("RateLimit-Policy", org.hamcrest.Matchers.containsString("\"minute\";q=10;w=60"))
                    .header("RateLimit", org.hamcrest.Matchers.containsString("\"minute\";r=0"));
        }
        // And /v1/me on the other replica shows the same day's usage.
        given().baseUri(gateways[1]).auth().oauth2(token).get("/v1/me")
                .then().statusCode(200).body("usage.messagesToday", equalTo(10)).body("usage.remaining", equalTo(0));
    }

    @Test
    void duplicatesResumeRenameDeleteAndStrangers() throws Exception {
        String token = register();
        String conversation = given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"draft\"}")
                .post("/v1/conversations").then().statusCode(201).extract().path("id");
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"Friday\"}")
                .patch("/v1/conversations/" + conversation)
                .then().statusCode(200).body("title", equalTo("Friday"));

        // Five taps on "send" at once, one Idempotency-Key.
        String key = "tap-" + UUID.randomUUID();
        int senders = 5;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<String>> bodies = new ArrayList<>();
        try {
            for (int i = 0; i < senders; i++) {
                bodies.add(pool.submit(() -> {
                    start.await();
                    return sendStream(token, conversation, "I keep replaying the interview in my head", key);
                }));
            }
            start.countDown();
            Set<String> created = new HashSet<>();
            Set<String> completed = new HashSet<>();
            for (Future<String> f : bodies) {
                String body = f.get(60, TimeUnit.SECONDS);
                List<String> names = field(body, "event");
                assertEquals("message.created", names.get(0), body);
                assertEquals("reply.completed", names.get(names.size() - 1), body);
                List<String> data = field(body, "data");
                created.add(data.get(0).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
                completed.add(data.get(data.size() - 1).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
            }
            assertEquals(1, created.size(), "one user message: " + created);
            assertEquals(1, completed.size(), "one reply: " + completed);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("1"), query("select count(*)::text from messages where conversation_id = ?::uuid and role = 'user'", conversation));
        assertEquals(List.of("1"), query("select count(*)::text from messages where conversation_id = ?::uuid and role = 'assistant'",
                conversation));
        String userMessageId = query("select id::text from messages where conversation_id = ?::uuid and role = 'user'", conversation).get(0);

        // The app lost the connection after event 1: the rest, with the following ids, never a second reply.
        String resumed = given().auth().oauth2(token).header("Last-Event-ID", "1")
                .get("/v1/conversations/" + conversation + "/messages/" + userMessageId + "/stream")
                .then().statusCode(200).extract().asString();
        List<String> ids = field(resumed, "id");
        assertEquals("2", ids.get(0), resumed);
        assertEquals("reply.completed", field(resumed, "event").get(ids.size() - 1), resumed);
        assertTrue(field(resumed, "event").stream().noneMatch("message.created"::equals), resumed);

        // A stranger: 404 everywhere, streams included.
        String stranger = register();
        given().auth().oauth2(stranger).get("/v1/conversations/" + conversation + "/messages/" + userMessageId + "/stream")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).contentType(ContentType.JSON).accept("text/event-stream").body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + conversation + "/messages")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).contentType(ContentType.JSON).body("{\"title\":\"mine\"}").patch("/v1/conversations/" + conversation)
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).delete("/v1/conversations/" + conversation)
                .then().statusCode(404).body("code", equalTo("not_found"));

        given().auth().oauth2(token).delete("/v1/conversations/" + conversation).then().statusCode(204);
        given().auth().oauth2(token).get("/v1/conversations/" + conversation).then().statusCode(404);
        assertEquals(List.of("0"), query("select count(*)::text from messages where conversation_id = ?::uuid", conversation));
    }

    private static List<String> query(String sql, String... params) throws SQLException {
        return LocalStack.query("oviya_chat_e2e", sql, params);
    }
}
