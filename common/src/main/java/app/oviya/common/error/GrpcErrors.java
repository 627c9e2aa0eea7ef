package app.oviya.common.error;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * The one translation between {@link ServiceException} and gRPC statuses. The stable code and
 * the retry hint travel as trailers, so the gateway can answer with the same problem+json
 * whichever service failed.
 */
public final class GrpcErrors {

    public static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("oviya-error-code", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("oviya-retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(ServiceException e) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, e.code().code());
        if (e.retryAfterSeconds() != null) {
            trailers.put(RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return Status.fromCode(e.code().grpcCode()).withDescription(e.detail()).asRuntimeException(trailers);
    }

    /** Turns what a gRPC call failed with back into a domain exception; anything else is left alone. */
    public static Throwable fromGrpc(Throwable t) {
        Status status;
        Metadata trailers;
        if (t instanceof StatusRuntimeException sre) {
            status = sre.getStatus();
            trailers = sre.getTrailers();
        } else if (t instanceof StatusException se) {
            status = se.getStatus();
            trailers = se.getTrailers();
        } else {
            return t;
        }
        ErrorCode code = null;
        Long retryAfter = null;
        if (trailers != null) {
            code = ErrorCode.fromCode(trailers.get(ERROR_CODE));
            String ra = trailers.get(RETRY_AFTER);
            if (ra != null) {
                try {
                    retryAfter = Long.parseLong(ra);
                } catch (NumberFormatException ignored) {
                    retryAfter = null;
                }
            }
        }
        if (code == null) {
            code = ErrorCode.fromGrpc(status.getCode());
        }
        String detail = code == ErrorCode.INTERNAL || status.getDescription() == null
                ? (code == ErrorCode.UNAVAILABLE ? "A service is unavailable; please retry." : code.title())
                : status.getDescription();
        return new ServiceException(code, detail, retryAfter, t);
    }
}
