package app.oviya.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.chat.v1.Conversation;
import app.oviya.chat.v1.SendMessageRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** The conversation endpoints over HTTP against a fake chat-service: shapes, status codes, SSE framing, ownership. */
@QuarkusTest
@QuarkusTestResource(value = ConversationFakes.class, restrictToAnnotatedClass = true)
class ConversationApiTest {

    private static String token(String userId) throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer("https://oviya.app");
        c.setAudience("oviya-api");
        c.setSubject(userId);
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(15);
        c.setGeneratedJwtId();
        c.setClaim("plan", "free");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(FakeAuthService.KEYS.getPrivate());
        jws.setKeyIdHeaderValue(FakeAuthService.KID);
        return jws.getCompactSerialization();
    }

    private static String conversation(String owner) {
        String id = UUID.randomUUID().toString();
        ConversationFakes.add(owner, Conversation.newBuilder().setId(id).setTitle("draft").setCreatedAt("2026-01-01T00:00:00Z").build());
        return id;
    }

    @Test
    void renameAnswersTheConversationAndDeleteAnswers204() throws Exception {
        String user = UUID.randomUUID().toString();
        String token = token(user);
        String id = conversation(user);

        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"Sunday\"}")
                .patch("/v1/conversations/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("title", equalTo("Sunday"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"  \"}")
                .patch("/v1/conversations/" + id)
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));

        given().auth().oauth2(token).delete("/v1/conversations/" + id).then().statusCode(204);
        given().auth().oauth2(token).delete("/v1/conversations/" + id)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(token).get("/v1/conversations/" + id).then().statusCode(404);
    }

    @Test
    void anotherUsersConversationIs404ForRenameDeleteAndSend() throws Exception {
        String owner = UUID.randomUUID().toString();
        String stranger = token(UUID.randomUUID().toString());
        String id = conversation(owner);

        given().auth().oauth2(stranger).get("/v1/conversations/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).contentType(ContentType.JSON).body("{\"title\":\"mine\"}").patch("/v1/conversations/" + id)
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).delete("/v1/conversations/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).contentType(ContentType.JSON).accept("text/event-stream").body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + id + "/messages")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(stranger).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + id + "/messages")
                .then().statusCode(404).body("code", equalTo("not_found"));
        assertEquals("draft", ConversationFakes.CONVERSATIONS.get(id).getValue().getTitle(), "untouched");
    }

    @Test
    void aConversationDeletedThroughTheGatewayIsA404StreamAtOnceDespiteTheOwnershipCache() throws Exception {
        String user = UUID.randomUUID().toString();
        String token = token(user);
        String id = conversation(user);
        for (int i = 0; i < 2; i++) {
            // The second send is checked from the gateway's cache of confirmed conversations.
            given().auth().oauth2(token).contentType(ContentType.JSON).accept("text/event-stream").body("{\"content\":\"hi\"}")
                    .post("/v1/conversations/" + id + "/messages")
                    .then().statusCode(200);
        }
        given().auth().oauth2(token).delete("/v1/conversations/" + id).then().statusCode(204);
        given().auth().oauth2(token).contentType(ContentType.JSON).accept("text/event-stream").body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + id + "/messages")
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
    }

    @Test
    void aSendCarriesThePlanPersonaAndCountryFromAuthServiceAskedOncePerCachePeriod() throws Exception {
        String user = UUID.randomUUID().toString();
        ConversationFakes.PROFILES.put(user, new String[] {"a calm older sister", "GB"});
        String id = conversation(user);
        given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept("text/event-stream").body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + id + "/messages").then().statusCode(200);
        SendMessageRequest first = ConversationFakes.LAST_SEND.get(id);
        assertEquals("free", first.getPlan());
        assertEquals("a calm older sister", first.getPersona());
        assertEquals("GB", first.getCountry());
        given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"again\"}")
                .post("/v1/conversations/" + id + "/messages").then().statusCode(201);
        assertEquals("GB", ConversationFakes.LAST_SEND.get(id).getCountry(), "JSON mode too");
        assertEquals(1, ConversationFakes.GET_USER_CALLS.stream().filter(user::equals).count(), "the second send used the cached profile");
    }

    @Test
    void withAuthServiceDownASendGoesOnWithoutPersonaOrCountryAndTheFailureIsNotCached() throws Exception {
        String user = UUID.randomUUID().toString();
        ConversationFakes.PROFILES.put(user, new String[] {"a calm older sister", "GB"});
        String id = conversation(user);
        ConversationFakes.authDown = true;
        try {
            given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"hi\"}")
                    .post("/v1/conversations/" + id + "/messages").then().statusCode(201);
            assertEquals("", ConversationFakes.LAST_SEND.get(id).getPersona());
            assertEquals("", ConversationFakes.LAST_SEND.get(id).getCountry(), "ai-service's default country applies");
        } finally {
            ConversationFakes.authDown = false;
        }
        given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"better\"}")
                .post("/v1/conversations/" + id + "/messages").then().statusCode(201);
        assertEquals("GB", ConversationFakes.LAST_SEND.get(id).getCountry(), "asked again after the failure");
    }

    private static List<String> sse(String body, String field) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith(field + ":")) {
                out.add(line.substring(field.length() + 1).strip());
            }
        }
        return out;
    }

    @Test
    void aStreamResumesAfterLastEventIdAndIs404ForAStranger() throws Exception {
        String user = UUID.randomUUID().toString();
        String id = conversation(user);
        String body = given().auth().oauth2(token(user)).header("Last-Event-ID", "2")
                .get("/v1/conversations/" + id + "/messages/m-user/stream")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .extract().asString();
        assertEquals(List.of("reply.delta", "reply.completed"), sse(body, "event"), body);
        assertEquals(List.of("3", "4"), sse(body, "id"), body);
        assertEquals(2L, ConversationFakes.LAST_RESUME_AFTER.get(id));

        String all = given().auth().oauth2(token(user)).get("/v1/conversations/" + id + "/messages/m-reply/stream")
                .then().statusCode(200).extract().asString();
        assertEquals(List.of("1", "2", "3", "4"), sse(all, "id"), "no Last-Event-ID: the whole reply: " + all);

        given().auth().oauth2(token(user)).header("Last-Event-ID", "x").get("/v1/conversations/" + id + "/messages/m-user/stream")
                .then().statusCode(400).body("code", equalTo("validation_failed"));
        given().auth().oauth2(token(UUID.randomUUID().toString())).get("/v1/conversations/" + id + "/messages/m-user/stream")
                .then().statusCode(404).body("code", equalTo("not_found"));
        String unknown = given().auth().oauth2(token(user)).get("/v1/conversations/" + id + "/messages/" + UUID.randomUUID() + "/stream")
                .then().statusCode(200).extract().asString();
        assertEquals(List.of("error"), sse(unknown, "event"), unknown);
        assertTrue(unknown.contains("not_found"), unknown);
    }

    @Test
    void aSendStreamsEventsInOrderEachWithAnId() throws Exception {
        String user = UUID.randomUUID().toString();
        String id = conversation(user);
        String body = given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept("text/event-stream")
                .header("Idempotency-Key", "key-1").body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + id + "/messages")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .extract().asString();
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("event:")) {
                names.add(line.substring(6).strip());
            } else if (line.startsWith("id:")) {
                ids.add(line.substring(3).strip());
            }
        }
        assertEquals(List.of("message.created", "reply.delta", "reply.delta", "reply.completed"), names, body);
        assertEquals(List.of("1", "2", "3", "4"), ids, body);
        assertTrue(body.contains("\"text\":\"Hello \""), body);
        assertEquals("key-1", ConversationFakes.LAST_IDEMPOTENCY_KEY.get(id), "the Idempotency-Key reaches chat-service");

        given().auth().oauth2(token(user)).contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"content\":\"hi\"}")
                .post("/v1/conversations/" + id + "/messages")
                .then().statusCode(201)
                .body("message.role", equalTo("user"))
                .body("reply.content", equalTo("Hello there"));
    }
}
