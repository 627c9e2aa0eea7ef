package app.oviya.gateway.api;

import app.oviya.gateway.config.GatewayConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The client address that per-address limits count by (register/login here, login throttling in
 * auth-service). {@code X-Forwarded-For} is read only as far as the proxies the gateway trusts:
 * each of the {@code oviya.gateway.trusted-proxy-hops} proxies in front of it appends one entry, so
 * the client is the entry that many places from the right. Anything to its left was sent by the
 * client and can be anything; taking the first entry would let every request pick its own address.
 * With no trusted proxies (the default), or a header shorter than the trusted hops (a request that
 * did not come through them), the address is the TCP peer's.
 */
@ApplicationScoped
public class ClientAddresses {

    private static final String RESOLVED = ClientAddresses.class.getName();

    private final int trustedHops;

    public ClientAddresses(GatewayConfig config) {
        this.trustedHops = config.trustedProxyHops();
    }

    /** Resolved once per request: the rate-limit filter and the auth endpoint both ask. */
    public String of(RoutingContext rc) {
        String known = rc.get(RESOLVED);
        if (known != null) {
            return known;
        }
        HttpServerRequest request = rc.request();
        String peer = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
        String address = resolve(request.headers().getAll("X-Forwarded-For"), peer, trustedHops);
        rc.put(RESOLVED, address);
        return address;
    }

    /** {@code forwarded}: every X-Forwarded-For header of the request, in order. */
    static String resolve(List<String> forwarded, String peer, int trustedHops) {
        if (trustedHops <= 0 || forwarded == null || forwarded.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwarded) {
            for (String entry : header.split(",")) {
                if (!entry.isBlank()) {
                    hops.add(entry.strip());
                }
            }
        }
        return hops.size() < trustedHops ? peer : hops.get(hops.size() - trustedHops);
    }
}
