package app.oviya.auth.service;

import app.oviya.auth.config.AuthConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * The RSA key that signs access tokens and the JWK Set that publishes its public half.
 * The key is read from the environment's secret store at start; without one, only dev and test
 * may use a throw-away key.
 */
@ApplicationScoped
@Startup
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final PrivateKey privateKey;
    private final String keyId;
    private final String jwksJson;

    public SigningKeys(AuthConfig config) {
        AuthConfig.Jwt jwt = config.jwt();
        RSAPrivateCrtKey key;
        if (jwt.privateKeyPath().isPresent() && !jwt.privateKeyPath().get().isBlank()) {
            key = readPkcs8(Path.of(jwt.privateKeyPath().get()));
        } else if (jwt.allowEphemeralKey()) {
            LOG.warn("No JWT_PRIVATE_KEY_PATH configured: signing with a throw-away key (dev/test only)");
            key = generate();
        } else {
            throw new IllegalStateException("JWT_PRIVATE_KEY_PATH must point to a PKCS#8 PEM RSA private key");
        }
        RSAPublicKey publicKey = publicOf(key);
        this.privateKey = key;
        this.keyId = jwt.keyId().filter(s -> !s.isBlank()).orElseGet(() -> thumbprint(publicKey));
        this.jwksJson = toJwks(List.of(new NamedKey(keyId, publicKey)));
        LOG.infof("Signing access tokens with RS256 key kid=%s", keyId);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    public String jwksJson() {
        return jwksJson;
    }

    record NamedKey(String kid, RSAPublicKey key) {
    }

    static String toJwks(List<NamedKey> keys) {
        JsonWebKeySet set = new JsonWebKeySet();
        for (NamedKey k : keys) {
            RsaJsonWebKey jwk = new RsaJsonWebKey(k.key());
            jwk.setKeyId(k.kid());
            jwk.setAlgorithm("RS256");
            jwk.setUse("sig");
            set.addJsonWebKey(jwk);
        }
        return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    static RSAPrivateCrtKey readPkcs8(Path path) {
        try {
            String pem = Files.readString(path);
            String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            if (pem.contains("BEGIN RSA PRIVATE KEY")) {
                throw new IllegalStateException(path + " is PKCS#1; convert it with: openssl pkcs8 -topk8 -nocrypt");
            }
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JWT private key " + path, e);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("JWT private key " + path + " is not a PKCS#8 RSA key", e);
        }
    }

    static RSAPublicKey publicOf(RSAPrivateCrtKey key) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAPrivateCrtKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String thumbprint(RSAPublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
