package app.oviya.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void secondsDatesAndNonsense() {
        assertEquals(Duration.ofSeconds(3), RetryAfter.parse("3"));
        assertEquals(Duration.ofMillis(1500), RetryAfter.parse(" 1.5 "));
        assertTrue(RetryAfter.parse("Wed, 21 Oct 2099 07:28:00 GMT").toDays() > 365);
        assertEquals(Duration.ZERO, RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT"));
        assertNull(RetryAfter.parse("soon"));
        assertNull(RetryAfter.parse("-1"));
        assertNull(RetryAfter.parse(null));
        assertNull(RetryAfter.parse(" "));
    }
}
