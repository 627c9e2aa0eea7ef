package app.oviya.gateway.realtime;

/** The close codes of GET /v1/realtime (api-gateway/README.md, "Realtime"). */
public final class CloseCodes {

    /** The gateway instance is shutting down (a deploy): reconnect, another replica answers. */
    public static final int GOING_AWAY = 1001;
    /** A client frame over the size limit (RFC 6455 "message too big"). */
    public static final int TOO_BIG = 1009;
    /** Something failed on the server; reconnect. */
    public static final int SERVER_ERROR = 1011;
    /** The access token reached its exp: reconnect with a fresh one. */
    public static final int TOKEN_EXPIRED = 4001;
    /** No pong (and no frame) for the dead-peer timeout. */
    public static final int PING_TIMEOUT = 4002;
    /** The client stopped reading: more frames were owed to it than the gateway keeps for one socket. */
    public static final int TOO_SLOW = 4003;

    private CloseCodes() {
    }
}
