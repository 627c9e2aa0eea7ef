package app.oviya.ai.provider;

import java.time.Duration;

/**
 * A failure talking to an LLM provider, classified so the resilience layer can decide whether to
 * retry, fall back to the smaller model, or give up. Carries the provider's own error type
 * (e.g. {@code overloaded_error}) and its {@code retry-after} hint.
 */
public class ProviderException extends RuntimeException {

    public enum Kind {
        /** A non-200 HTTP answer. */
        HTTP,
        /** An {@code error} event inside a 200 stream. */
        STREAM_ERROR,
        /** No first token (or no data) within the timeout. */
        TIMEOUT,
        /** Connection refused, reset or cut mid-stream. */
        CONNECTION,
        /** The stream made no sense (e.g. ended without message_stop). */
        PROTOCOL
    }

    private final Kind kind;
    private final int status;
    private final String errorType;
    private final Duration retryAfter;

    public ProviderException(Kind kind, int status, String errorType, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.errorType = errorType;
        this.retryAfter = retryAfter;
    }

    public static ProviderException timeout(String message) {
        return new ProviderException(Kind.TIMEOUT, 0, "timeout", message, null, null);
    }

    public static ProviderException connection(String message, Throwable cause) {
        return new ProviderException(Kind.CONNECTION, 0, "connection_error", message, null, cause);
    }

    public static ProviderException protocol(String message) {
        return new ProviderException(Kind.PROTOCOL, 0, "protocol_error", message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, or the status the stream error type stands for (overloaded_error = 529), or 0. */
    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /** The provider's retry-after hint, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Worth trying again: rate limits, overload, server errors, timeouts and broken connections. */
    public boolean retryable() {
        return switch (kind) {
            case TIMEOUT, CONNECTION, PROTOCOL -> true;
            case HTTP, STREAM_ERROR -> status == 408 || status == 409 || status == 429 || status >= 500;
        };
    }

    /** The provider is out of capacity for this model: a smaller model may still answer. */
    public boolean capacity() {
        return status == 429 || status == 529 || "overloaded_error".equals(errorType) || "rate_limit_error".equals(errorType);
    }

    /** The status an Anthropic error type stands for, for errors that arrive inside a 200 stream. */
    public static int statusOf(String anthropicErrorType) {
        if (anthropicErrorType == null) {
            return 500;
        }
        return switch (anthropicErrorType) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            case "timeout_error" -> 504;
            default -> 500;
        };
    }
}
