package app.oviya.gateway.realtime;

import app.oviya.common.error.ServiceException;
import app.oviya.gateway.security.Caller;
import app.oviya.gateway.security.TokenVerifier;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * GET /v1/realtime is upgraded only with a valid access token (the same checks as the REST API,
 * security/TokenVerifier): from {@code Sec-WebSocket-Protocol: oviya.v1, bearer.<jwt>} (browsers
 * cannot set headers on a WebSocket), else {@code ?access_token=<jwt>}, else
 * {@code Authorization: Bearer <jwt>}. Anything else is a 401 and the connection is never upgraded.
 */
@ApplicationScoped
public class RealtimeUpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<Caller> CALLER = new UserData.TypedKey<>("oviya.caller");
    static final UserData.TypedKey<Runnable> RELEASE_REQUEST = new UserData.TypedKey<>("oviya.release-request");
    public static final String SUBPROTOCOL = "oviya.v1";
    static final String BEARER_SUBPROTOCOL = "bearer.";
    static final String ACCESS_TOKEN_PARAM = "access_token";
    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate", List.of("Bearer realm=\"oviya\""));

    private final TokenVerifier verifier;

    public RealtimeUpgradeCheck(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return RealtimeSocket.ENDPOINT_ID.equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String token = token(context.httpRequest());
        if (token == null) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        return verifier.verify(token)
                .map(caller -> {
                    context.userData().put(CALLER, caller);
                    context.userData().put(RELEASE_REQUEST, UpgradedRequests.release(context.httpRequest()));
                    return CheckResult.permitUpgradeSync();
                })
                .onFailure(ServiceException.class).recoverWithItem(CheckResult.rejectUpgradeSync(401, CHALLENGE))
                // The keys could not be loaded: like the REST API, "try again", not "your token is bad".
                .onFailure().recoverWithItem(CheckResult.rejectUpgradeSync(503));
    }

    static String token(HttpServerRequest request) {
        for (String header : request.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String protocol : header.split(",")) {
                String p = protocol.strip();
                if (p.regionMatches(true, 0, BEARER_SUBPROTOCOL, 0, BEARER_SUBPROTOCOL.length()) && p.length() > BEARER_SUBPROTOCOL.length()) {
                    return p.substring(BEARER_SUBPROTOCOL.length());
                }
            }
        }
        String query = request.getParam(ACCESS_TOKEN_PARAM);
        if (query != null && !query.isBlank()) {
            return query.strip();
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && authorization.length() > 7) {
            return authorization.substring(7).strip();
        }
        return null;
    }
}
