package app.oviya.auth.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/** Plain unit test: no Quarkus. */
class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashIsArgon2idPhcWithTodaysParametersAndVerifies() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertEquals(6, hash.split("\\$").length);
        assertFalse(hash.contains("correct horse"));
        assertTrue(hasher.verify(hash, "correct horse battery staple"));
        assertFalse(hasher.verify(hash, "correct horse battery staplE"));
        assertFalse(hasher.verify(hash, ""));
        assertFalse(hasher.needsRehash(hash));
    }

    @Test
    void sameTwoPasswordsGetDifferentSaltsAndHashes() {
        String a = hasher.hash("same password twice");
        String b = hasher.hash("same password twice");
        assertNotEquals(a, b);
        assertNotEquals(a.split("\\$")[4], b.split("\\$")[4], "salts must differ");
        assertTrue(hasher.verify(a, "same password twice"));
        assertTrue(hasher.verify(b, "same password twice"));
    }

    @Test
    void nonAsciiPasswordsRoundTrip() {
        String hash = hasher.hash("pässwörd-ß-日本語-🙂");
        assertTrue(hasher.verify(hash, "pässwörd-ß-日本語-🙂"));
        assertFalse(hasher.verify(hash, "passwort-ss-日本語-🙂"));
    }

    @Test
    void olderWeakerHashesStillVerifyButNeedRehash() {
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(4096).withIterations(3).withParallelism(1).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[32];
        gen.generateBytes("legacy password".getBytes(StandardCharsets.UTF_8), out);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String legacy = "$argon2id$v=19$m=4096,t=3,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);

        assertTrue(hasher.verify(legacy, "legacy password"));
        assertFalse(hasher.verify(legacy, "legacy passwore"));
        assertTrue(hasher.needsRehash(legacy));
        assertTrue(hasher.needsRehash("$2a$10$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ"));
    }

    @Test
    void unreadableHashesVerifyAsFalseInsteadOfThrowing() {
        String good = hasher.hash("some long password");
        String[] p = good.split("\\$");
        List<String> broken = List.of(
                "",
                "not a hash",
                "$2a$10$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ",
                "$argon2i$v=19$m=19456,t=2,p=1$" + p[4] + "$" + p[5],
                "$argon2id$v=16$m=19456,t=2,p=1$" + p[4] + "$" + p[5],
                "$argon2id$v=19$m=abc,t=2,p=1$" + p[4] + "$" + p[5],
                "$argon2id$v=19$m=19456,t=2,x=1$" + p[4] + "$" + p[5],
                "$argon2id$v=19$m=19456,t=2,p=1$!!not-base64!!$" + p[5],
                "$argon2id$v=19$m=19456,t=2,p=1$" + p[4] + "$!!not-base64!!",
                "$argon2id$v=19$m=0,t=0,p=0$" + p[4] + "$" + p[5]);
        for (String hash : broken) {
            assertFalse(hasher.verify(hash, "some long password"), hash);
        }
    }
}
