package app.oviya.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OwnedConversationsTest {

    @Test
    void remembersPerUserAndForgetsOneOrAllOfAUser() {
        OwnedConversations owned = new OwnedConversations();
        owned.remember("u1", "c1");
        owned.remember("u1", "c2");
        owned.remember("u10", "c3");
        assertTrue(owned.known("u1", "c1"));
        assertFalse(owned.known("u2", "c1"), "another user's lookup of the same conversation is not known");

        owned.forget("u1", "c1");
        assertFalse(owned.known("u1", "c1"));
        assertTrue(owned.known("u1", "c2"));

        owned.forgetUser("u1");
        assertFalse(owned.known("u1", "c2"));
        assertTrue(owned.known("u10", "c3"), "a user whose id starts with another's is untouched");
    }
}
