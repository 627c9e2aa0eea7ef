package app.oviya.common.error;

import io.grpc.Status;

/**
 * The stable, machine-readable error codes of the platform. Each one maps once to a gRPC status
 * (between services) and once to an HTTP status (at the gateway, as problem+json).
 */
public enum ErrorCode {
    VALIDATION_FAILED("validation_failed", Status.Code.INVALID_ARGUMENT, 400, "Invalid request"),
    UNAUTHORIZED("unauthorized", Status.Code.UNAUTHENTICATED, 401, "Unauthorized"),
    FORBIDDEN("forbidden", Status.Code.PERMISSION_DENIED, 403, "Forbidden"),
    /** The feature exists but the caller's plan does not include it (e.g. mood insights: premium). */
    PLAN_REQUIRED("plan_required", Status.Code.PERMISSION_DENIED, 403, "Plan upgrade required"),
    NOT_FOUND("not_found", Status.Code.NOT_FOUND, 404, "Not found"),
    CONFLICT("conflict", Status.Code.ALREADY_EXISTS, 409, "Conflict"),
    PAYLOAD_TOO_LARGE("payload_too_large", Status.Code.INVALID_ARGUMENT, 413, "Payload too large"),
    RATE_LIMITED("rate_limited", Status.Code.RESOURCE_EXHAUSTED, 429, "Too many requests"),
    DAILY_QUOTA_EXCEEDED("daily_quota_exceeded", Status.Code.RESOURCE_EXHAUSTED, 429, "Daily quota exceeded"),
    UNAVAILABLE("unavailable", Status.Code.UNAVAILABLE, 503, "Service unavailable"),
    INTERNAL("internal", Status.Code.INTERNAL, 500, "Internal error");

    private final String code;
    private final Status.Code grpcCode;
    private final int httpStatus;
    private final String title;

    ErrorCode(String code, Status.Code grpcCode, int httpStatus, String title) {
        this.code = code;
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    public static ErrorCode fromCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return null;
    }

    /** The code a bare gRPC status stands for, when the peer did not name one. */
    public static ErrorCode fromGrpc(Status.Code grpcCode) {
        return switch (grpcCode) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> VALIDATION_FAILED;
            case UNAUTHENTICATED -> UNAUTHORIZED;
            case PERMISSION_DENIED -> FORBIDDEN;
            case NOT_FOUND -> NOT_FOUND;
            case ALREADY_EXISTS, ABORTED -> CONFLICT;
            case RESOURCE_EXHAUSTED -> RATE_LIMITED;
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> UNAVAILABLE;
            default -> INTERNAL;
        };
    }
}
