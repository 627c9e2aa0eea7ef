package app.oviya.auth.service;

import app.oviya.auth.config.AuthConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * The RSA key that signs access tokens and the JWK Set that publishes its public half together
 * with the public halves of previous signing keys. Rotation: deploy the new key as
 * JWT_PRIVATE_KEY_PATH and list the old one in JWT_PREVIOUS_KEYS; tokens it signed keep verifying
 * until they expire (at most the access-token TTL), new tokens carry the new kid, and the old
 * key can be dropped from the list after one TTL. Keys come from the environment's secret store
 * at start; without one, only dev and test may use a throw-away key.
 */
@ApplicationScoped
@Startup
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final PrivateKey privateKey;
    private final String keyId;
    private final List<String> publishedKeyIds;
    private final String jwksJson;

    @Inject
    public SigningKeys(AuthConfig config) {
        this(config.jwt().privateKeyPath(), config.jwt().keyId(), config.jwt().previousKeys().orElse(List.of()),
                config.jwt().allowEphemeralKey());
    }

    SigningKeys(Optional<String> privateKeyPath, Optional<String> configuredKeyId, List<String> previousKeys, boolean allowEphemeral) {
        RSAPrivateCrtKey key;
        if (privateKeyPath.isPresent() && !privateKeyPath.get().isBlank()) {
            key = readPkcs8(Path.of(privateKeyPath.get()));
        } else if (allowEphemeral) {
            LOG.warn("No JWT_PRIVATE_KEY_PATH configured: signing with a throw-away key (dev/test only)");
            key = generate();
        } else {
            throw new IllegalStateException("JWT_PRIVATE_KEY_PATH must point to a PKCS#8 PEM RSA private key");
        }
        RSAPublicKey publicKey = publicOf(key);
        this.privateKey = key;
        this.keyId = configuredKeyId.filter(s -> !s.isBlank()).orElseGet(() -> thumbprint(publicKey));
        List<NamedKey> published = new ArrayList<>();
        published.add(new NamedKey(keyId, publicKey));
        for (String entry : previousKeys) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            NamedKey previous = readPrevious(entry.strip());
            if (published.stream().noneMatch(k -> k.kid().equals(previous.kid()))) {
                published.add(previous);
            }
        }
        this.publishedKeyIds = published.stream().map(NamedKey::kid).toList();
        this.jwksJson = toJwks(published);
        LOG.infof("Signing access tokens with RS256 key kid=%s; JWKS publishes %s", keyId, publishedKeyIds);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The signing key's kid first, then previous keys'. */
    public List<String> publishedKeyIds() {
        return publishedKeyIds;
    }

    public String jwksJson() {
        return jwksJson;
    }

    /** {@code kid=path} or {@code path}; the PEM holds a public key or a PKCS#8 private key. */
    static NamedKey readPrevious(String entry) {
        int eq = entry.indexOf('=');
        String kid = eq > 0 ? entry.substring(0, eq).strip() : null;
        Path path = Path.of(eq > 0 ? entry.substring(eq + 1).strip() : entry);
        RSAPublicKey key;
        try {
            String pem = Files.readString(path);
            key = pem.contains("BEGIN PUBLIC KEY") ? readSpki(pem, path) : publicOf(readPkcs8(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read previous JWT key " + path, e);
        }
        return new NamedKey(kid == null || kid.isEmpty() ? thumbprint(key) : kid, key);
    }

    private static RSAPublicKey readSpki(String pem, Path path) {
        try {
            String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException("previous JWT key " + path + " is not an RSA public key", e);
        }
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
            // PEM armour lines ("-----BEGIN ...-----") are dropped; PKCS#1 ("RSA PRIVATE") is refused.
            String base64 = pem.replaceAll("-----[A-Z0-9 ]+-----", "").replaceAll("\\s", "");
            if (pem.contains("RSA PRIVATE")) {
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

    static String thumbprint(RSAPublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
