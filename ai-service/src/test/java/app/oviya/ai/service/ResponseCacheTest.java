package app.oviya.ai.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The response cache against the real Redis, and the rule that personal turns are never cached. */
@QuarkusTest
class ResponseCacheTest {

    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void openersAreCacheableAndPersonalTurnsAreNot() {
        assertEquals("hi", ResponseCache.cacheableText("Hi!!", false, false, false, false, false));
        assertEquals("good morning", ResponseCache.cacheableText("  Good   morning :) ", false, false, false, false, false));
        assertNull(ResponseCache.cacheableText("hi", false, true, false, false, false), "memories in the prompt");
        assertNull(ResponseCache.cacheableText("hi", true, false, false, false, false), "earlier context");
        assertNull(ResponseCache.cacheableText("hi", false, false, true, false, false), "the person's name");
        assertNull(ResponseCache.cacheableText("hi", false, false, false, true, false), "a custom persona");
        assertNull(ResponseCache.cacheableText("I want to die", false, false, false, false, true), "crisis");
        assertNull(ResponseCache.cacheableText("x".repeat(61), false, false, false, false, false), "long messages");
    }

    @Test
    void openerVariantsShareOneKeyAndPersonalShortMessagesAreNeverCached() {
        for (String hi : new String[] {"Hiii 😊", "HEY OVIYA!!", "hello there", "Heyyy", "hellooo :)", "hi oviya", "Hiya!"}) {
            assertEquals("hi", ResponseCache.cacheableText(hi, false, false, false, false, false), hi);
        }
        assertEquals("good morning", ResponseCache.cacheableText("goood morninggg ☀️", false, false, false, false, false));
        assertEquals("good morning", ResponseCache.cacheableText("gm", false, false, false, false, false));
        assertEquals("good night", ResponseCache.cacheableText("Good night Oviya", false, false, false, false, false),
                "night is not morning");
        assertEquals("hi how are you", ResponseCache.cacheableText("hey, how r u?", false, false, false, false, false));
        assertEquals("how are you", ResponseCache.cacheableText("How are you doing today?", false, false, false, false, false));
        assertEquals("whats up", ResponseCache.cacheableText("what's up", false, false, false, false, false));
        for (String personal : new String[] {"my dog died", "I got fired", "hi, my exam is tomorrow", "help", "I can't sleep",
                "hi mum", "god"}) {
            assertNull(ResponseCache.cacheableText(personal, false, false, false, false, false), personal);
        }
        assertNull(ResponseCache.cacheableText("Hiii 😊", false, true, false, false, false), "memories still make it uncacheable");
    }

    @Test
    void aStoredReplyIsServedAndCountedAsAHit() {
        ResponseCache cache = new ResponseCache(redis, "test-reply-" + UUID.randomUUID(), Duration.ofMinutes(1), null);
        String key = cache.key("hi", "neutral", "v1", "anthropic", "claude");
        assertNotEquals(key, cache.key("hi", "joy", "v1", "anthropic", "claude"), "the emotion is part of the key");
        assertNull(cache.get(key).await().atMost(Duration.ofSeconds(5)));
        cache.put(key, new ResponseCache.Entry("Hello! How are you today?", "claude")).await().atMost(Duration.ofSeconds(5));
        ResponseCache.Entry hit = cache.get(key).await().atMost(Duration.ofSeconds(5));
        assertEquals("Hello! How are you today?", hit.text());
        assertEquals("claude", hit.model());
        assertEquals(0.5, cache.hitRate(), 1e-9);
    }
}
