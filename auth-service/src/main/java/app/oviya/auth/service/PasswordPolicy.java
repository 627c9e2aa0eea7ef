package app.oviya.auth.service;

import app.oviya.auth.config.AuthConfig;
import app.oviya.common.error.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What an acceptable email address and password look like. */
@ApplicationScoped
public class PasswordPolicy {

    // Deliberately simple: one @, no spaces, a dot in the domain, sane lengths (RFC 5321 limits).
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\"(),:;<>\\[\\]\\\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\\.[A-Za-z]{2,63}$");

    private final AuthConfig.Password config;
    private final Set<String> commonPasswords;

    public PasswordPolicy(AuthConfig config) {
        this.config = config.password();
        this.commonPasswords = load("/common-passwords.txt");
    }

    /** Trims and lower-cases an address, or rejects it with a clear message. */
    public String normalizeEmail(String email) {
        String e = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        if (e.isEmpty()) {
            throw ServiceException.validation("email is required");
        }
        if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
            throw ServiceException.validation("email is not a valid address");
        }
        return e;
    }

    public void checkNewPassword(String password, String normalizedEmail) {
        if (password == null || password.isEmpty()) {
            throw ServiceException.validation("password is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < config.minLength()) {
            throw ServiceException.validation("password must be at least " + config.minLength() + " characters");
        }
        if (length > config.maxLength()) {
            throw ServiceException.validation("password must be at most " + config.maxLength() + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (commonPasswords.contains(lower)) {
            throw ServiceException.validation("password is too common; choose another one");
        }
        String local = normalizedEmail.substring(0, normalizedEmail.indexOf('@'));
        if (lower.equals(normalizedEmail) || lower.equals(local)) {
            throw ServiceException.validation("password must not be your email address");
        }
    }

    /** Login only checks presence and size, so the policy can change without locking people out. */
    public void checkLoginPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw ServiceException.validation("password is required");
        }
        if (password.length() > 4 * config.maxLength()) {
            throw ServiceException.validation("password is too long");
        }
    }

    boolean isCommon(String password) {
        return commonPasswords.contains(password.toLowerCase(Locale.ROOT));
    }

    private static Set<String> load(String resource) {
        Set<String> set = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    set.add(line.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(set);
    }
}
