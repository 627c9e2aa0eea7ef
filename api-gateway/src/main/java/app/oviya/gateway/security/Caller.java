package app.oviya.gateway.security;

/** The verified user behind a request. */
public record Caller(String userId, String plan, long expiresAtEpochSecond) {
}
