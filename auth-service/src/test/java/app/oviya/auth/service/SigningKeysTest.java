package app.oviya.auth.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key rotation: the JWKS keeps previous keys, so tokens they signed verify until they expire. */
class SigningKeysTest {

    @TempDir
    Path dir;

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    Path pem(String name, String type, byte[] der) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n");
        return p;
    }

    static String sign(SigningKeys keys) throws Exception {
        JwtClaims c = new JwtClaims();
        c.setSubject(UUID.randomUUID().toString());
        c.setExpirationTimeMinutesInTheFuture(15);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(keys.privateKey());
        jws.setKeyIdHeaderValue(keys.keyId());
        return jws.getCompactSerialization();
    }

    static JwtConsumer verifier(SigningKeys keys) throws Exception {
        JsonWebKeySet set = new JsonWebKeySet(keys.jwksJson());
        return new JwtConsumerBuilder().setVerificationKeyResolver(new JwksVerificationKeyResolver(set.getJsonWebKeys())).build();
    }

    @Test
    void afterRotationOldTokensStillVerifyAndNewOnesCarryTheNewKid() throws Exception {
        KeyPair oldPair = rsa();
        KeyPair newPair = rsa();
        Path oldPrivate = pem("old.pem", "PRIVATE KEY", oldPair.getPrivate().getEncoded());
        Path newPrivate = pem("new.pem", "PRIVATE KEY", newPair.getPrivate().getEncoded());
        Path oldPublic = pem("old.pub.pem", "PUBLIC KEY", oldPair.getPublic().getEncoded());

        SigningKeys before = new SigningKeys(Optional.of(oldPrivate.toString()), Optional.empty(), List.of(), false);
        String oldToken = sign(before);
        String oldKid = before.keyId();
        assertEquals(oldKid, SigningKeys.thumbprint((RSAPublicKey) oldPair.getPublic()));

        // The old key moves to the previous list, as a public key (kid derived) or as kid=private-key.
        for (String previous : List.of(oldPublic.toString(), oldKid + "=" + oldPrivate)) {
            SigningKeys after = new SigningKeys(Optional.of(newPrivate.toString()), Optional.of("k2"), List.of(previous), false);
            assertEquals("k2", after.keyId());
            assertEquals(List.of("k2", oldKid), after.publishedKeyIds());
            String newToken = sign(after);
            verifier(after).processToClaims(oldToken);
            verifier(after).processToClaims(newToken);
            assertEquals("k2", new JsonWebSignature() {{ setCompactSerialization(newToken); }}.getKeyIdHeaderValue());
            // The old public key alone cannot verify tokens of the new key.
            assertThrows(InvalidJwtException.class, () -> verifier(before).processToClaims(newToken));
        }

        // Once the old key is dropped (one access-token TTL later), its tokens stop verifying.
        SigningKeys later = new SigningKeys(Optional.of(newPrivate.toString()), Optional.of("k2"), List.of(), false);
        assertThrows(InvalidJwtException.class, () -> verifier(later).processToClaims(oldToken));
        assertEquals(1, new JsonWebKeySet(later.jwksJson()).getJsonWebKeys().size());
    }

    @Test
    void withoutAKeyOnlyDevAndTestMayStart() {
        assertThrows(IllegalStateException.class, () -> new SigningKeys(Optional.empty(), Optional.empty(), List.of(), false));
        assertThrows(RuntimeException.class,
                () -> new SigningKeys(Optional.empty(), Optional.empty(), List.of(dir.resolve("missing.pem").toString()), true));
    }
}
