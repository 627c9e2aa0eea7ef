package app.oviya.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "oviya.gateway")
public interface GatewayConfig {

    Jwt jwt();

    interface Jwt {
        String issuer();

        String audience();

        @WithDefault("30s")
        Duration clockSkew();

        @WithDefault("10s")
        Duration jwksMinRefreshInterval();
    }
}
