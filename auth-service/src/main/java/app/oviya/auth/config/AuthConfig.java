package app.oviya.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "oviya.auth")
public interface AuthConfig {

    Jwt jwt();

    Password password();

    LoginThrottle loginThrottle();

    interface LoginThrottle {
        @WithDefault("true")
        boolean enabled();

        /**
         * Failed logins for one email address from one client address within the window before that
         * address is locked out of that account for the rest of the window. The account's owner,
         * from another address, can still log in.
         */
        @WithDefault("5")
        int maxFailuresPerAccountFromOneIp();

        /**
         * Failed logins for one email address from all addresses together within the window before
         * the account is locked for everyone: guessing spread over many addresses.
         */
        @WithDefault("50")
        int maxFailuresPerAccount();

        /** Failed logins from one client address within the window before it is locked. */
        @WithDefault("30")
        int maxFailuresPerIp();

        @WithDefault("15M")
        Duration window();

        @WithDefault("oviya:auth:login:")
        String keyPrefix();

        /** A Redis call slower than this is skipped (the throttle fails open; see README). */
        @WithDefault("500ms")
        Duration redisTimeout();
    }

    interface Jwt {
        String issuer();

        String audience();

        /** PKCS#8 PEM file with the RSA private key that signs access tokens. */
        Optional<String> privateKeyPath();

        /** The `kid` of that key; derived from the key when not set. */
        Optional<String> keyId();

        /**
         * Keys that signed earlier tokens, still published in the JWKS until those tokens expire:
         * comma-separated {@code kid=/path/to/key.pem} or {@code /path/to/key.pem} (kid derived as
         * for the signing key). A PEM may hold the public key or the old PKCS#8 private key.
         */
        Optional<List<String>> previousKeys();

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
