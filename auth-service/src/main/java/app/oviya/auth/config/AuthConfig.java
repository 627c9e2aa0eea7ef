package app.oviya.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "oviya.auth")
public interface AuthConfig {

    Jwt jwt();

    Password password();

    interface Jwt {
        String issuer();

        String audience();

        /** PKCS#8 PEM file with the RSA private key that signs access tokens. */
        Optional<String> privateKeyPath();

        /** The `kid` of that key; derived from the key when not set. */
        Optional<String> keyId();

        @WithDefault("15M")
        Duration accessTokenTtl();

        @WithDefault("30D")
        Duration refreshTokenTtl();

        @WithDefault("false")
        boolean allowEphemeralKey();
    }

    interface Password {
        @WithDefault("10")
        int minLength();

        @WithDefault("256")
        int maxLength();
    }
}
