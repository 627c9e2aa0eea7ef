package app.oviya.common.error;

/**
 * A domain failure with a stable code and a detail that is safe to show to the client.
 * Thrown by use cases; mapped to a gRPC status by {@link GrpcErrors} and to problem+json by the gateway.
 */
public class ServiceException extends RuntimeException {

    private final ErrorCode code;
    private final Long retryAfterSeconds;

    public ServiceException(ErrorCode code, String detail) {
        this(code, detail, null, null);
    }

    public ServiceException(ErrorCode code, String detail, Long retryAfterSeconds) {
        this(code, detail, retryAfterSeconds, null);
    }

    public ServiceException(ErrorCode code, String detail, Long retryAfterSeconds, Throwable cause) {
        super(detail, cause, false, cause != null);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    /** Seconds after which a retry may succeed, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ServiceException validation(String detail) {
        return new ServiceException(ErrorCode.VALIDATION_FAILED, detail);
    }

    public static ServiceException notFound(String detail) {
        return new ServiceException(ErrorCode.NOT_FOUND, detail);
    }

    public static ServiceException unauthorized(String detail) {
        return new ServiceException(ErrorCode.UNAUTHORIZED, detail);
    }

    public static ServiceException conflict(String detail) {
        return new ServiceException(ErrorCode.CONFLICT, detail);
    }

    public static ServiceException unavailable(String detail) {
        return new ServiceException(ErrorCode.UNAVAILABLE, detail);
    }
}
