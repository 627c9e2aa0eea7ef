package app.oviya.memory.client;

import java.time.Duration;
import java.util.Locale;

/**
 * Why a call to a language model gave no usable answer. Timeouts, connection failures, 429, 529 and
 * other 5xx are transient (worth a retry, honouring {@code retry-after}); other 4xx and malformed
 * output are not.
 */
public class ModelCallFailure extends RuntimeException {

    public enum Reason {
        TIMEOUT, CONNECTION, RATE_LIMITED, OVERLOADED, SERVER_ERROR, REJECTED, MALFORMED;

        /** As a metric tag: "rate_limited", "malformed", ... */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;
    private final int status;
    private final String errorType;
    private final Duration retryAfter;

    public ModelCallFailure(Reason reason, int status, String errorType, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.status = status;
        this.errorType = errorType;
        this.retryAfter = retryAfter;
    }

    public static ModelCallFailure malformed(String message) {
        return new ModelCallFailure(Reason.MALFORMED, 200, null, message, null, null);
    }

    /** Classifies an HTTP error answer of a model server. */
    public static ModelCallFailure http(int status, String errorType, String message, Duration retryAfter) {
        Reason reason = status == 429 ? Reason.RATE_LIMITED
                : status == 529 ? Reason.OVERLOADED
                : status >= 500 || status == 408 ? Reason.SERVER_ERROR
                : Reason.REJECTED;
        return new ModelCallFailure(reason, status, errorType, "HTTP " + status + (errorType == null ? "" : " " + errorType)
                + (message == null ? "" : ": " + message), retryAfter, null);
    }

    /** A failure below HTTP: the request timed out or the connection could not be made or broke. */
    public static ModelCallFailure transport(Throwable t) {
        boolean timeout = t instanceof java.util.concurrent.TimeoutException;
        return new ModelCallFailure(timeout ? Reason.TIMEOUT : Reason.CONNECTION, 0, null,
                (timeout ? "timed out: " : "connection failed: ") + t.getMessage(), null, t);
    }

    public Reason reason() {
        return reason;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    /** What the server asked us to wait before trying again, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean isTransient() {
        return switch (reason) {
            case TIMEOUT, CONNECTION, RATE_LIMITED, OVERLOADED, SERVER_ERROR -> true;
            case REJECTED, MALFORMED -> false;
        };
    }
}
