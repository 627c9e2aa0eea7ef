package app.oviya.common.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The HTTP {@code retry-after} header, as model servers (Anthropic, OpenAI-compatible) send it. */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** Seconds (possibly fractional) or an HTTP date; null when absent, negative or unreadable. */
    public static Duration parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            double seconds = Double.parseDouble(value);
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException httpDate) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }
}
