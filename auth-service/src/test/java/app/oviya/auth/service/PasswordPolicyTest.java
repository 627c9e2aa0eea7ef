package app.oviya.auth.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.auth.config.AuthConfig;
import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.ServiceException;
import org.junit.jupiter.api.Test;

/** Plain unit test: no Quarkus. */
class PasswordPolicyTest {

    private final PasswordPolicy policy = new PasswordPolicy(new AuthConfig() {
        @Override
        public Jwt jwt() {
            throw new UnsupportedOperationException();
        }

        @Override
        public LoginThrottle loginThrottle() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Password password() {
            return new Password() {
                @Override
                public int minLength() {
                    return 10;
                }

                @Override
                public int maxLength() {
                    return 256;
                }
            };
        }
    });

    @Test
    void emailsAreTrimmedAndLowerCased() {
        assertEquals("asha@example.com", policy.normalizeEmail("  Asha@Example.COM\t"));
        assertEquals("first.last+tag@sub.example.co.uk", policy.normalizeEmail("First.Last+Tag@Sub.Example.co.UK"));
    }

    @Test
    void badEmailsAreValidationFailures() {
        for (String bad : new String[] {null, "", "  ", "asha", "asha@", "@example.com", "asha@example", "a b@example.com",
                "asha@@example.com", "asha@example..com", "asha@.example.com"}) {
            ServiceException e = assertThrows(ServiceException.class, () -> policy.normalizeEmail(bad), String.valueOf(bad));
            assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), String.valueOf(bad));
        }
    }

    @Test
    void newPasswordRules() {
        assertDoesNotThrow(() -> policy.checkNewPassword("correct horse battery staple", "asha@example.com"));
        // Length counts code points, not UTF-16 units: five emoji are five characters, too short.
        assertThrows(ServiceException.class, () -> policy.checkNewPassword("🙂🙂🙂🙂🙂", "asha@example.com"));
        assertDoesNotThrow(() -> policy.checkNewPassword("🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂", "asha@example.com"));
        assertThrows(ServiceException.class, () -> policy.checkNewPassword("Password123", "asha@example.com"));
        assertThrows(ServiceException.class, () -> policy.checkNewPassword("ASHA@EXAMPLE.COM", "asha@example.com"));
        assertThrows(ServiceException.class, () -> policy.checkNewPassword("ashaashaasha", "ashaashaasha@example.com"));
        assertTrue(policy.isCommon("QWERTYUIOP"));
    }
}
