package app.oviya.common.grpc;

import io.grpc.Metadata;

/** The request id that follows a call from the gateway through every service, and into the logs. */
public final class RequestIds {

    public static final String MDC_KEY = "requestId";
    public static final String HTTP_HEADER = "X-Request-Id";
    public static final Metadata.Key<String> METADATA_KEY = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    private RequestIds() {
    }

    /** Accepts a client-supplied id only when it is short and printable, so logs stay clean. */
    public static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
