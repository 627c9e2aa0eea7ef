package app.oviya.common.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

    @Test
    void domainErrorSurvivesTheRoundTripWithCodeAndRetryHint() {
        StatusRuntimeException wire = GrpcErrors.toStatus(new ServiceException(ErrorCode.DAILY_QUOTA_EXCEEDED, "10 messages a day", 3600L));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, wire.getStatus().getCode());

        ServiceException back = assertInstanceOf(ServiceException.class, GrpcErrors.fromGrpc(wire));
        assertEquals(ErrorCode.DAILY_QUOTA_EXCEEDED, back.code());
        assertEquals("10 messages a day", back.detail());
        assertEquals(3600L, back.retryAfterSeconds());
    }

    @Test
    void bareStatusesMapToTheNearestCodeAndHideInternalDetails() {
        ServiceException unavailable = (ServiceException) GrpcErrors.fromGrpc(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
        assertEquals(ErrorCode.UNAVAILABLE, unavailable.code());

        ServiceException internal = (ServiceException) GrpcErrors.fromGrpc(Status.INTERNAL.withDescription("NullPointerException at Foo").asRuntimeException());
        assertEquals(ErrorCode.INTERNAL, internal.code());
        assertEquals("Internal error", internal.detail());

        ServiceException deadline = (ServiceException) GrpcErrors.fromGrpc(Status.DEADLINE_EXCEEDED.asRuntimeException());
        assertEquals(ErrorCode.UNAVAILABLE, deadline.code());
    }

    @Test
    void nonGrpcFailuresAreLeftAlone() {
        IllegalStateException e = new IllegalStateException("x");
        assertSame(e, GrpcErrors.fromGrpc(e));
    }

    @Test
    void everyCodeHasAnHttpStatusAndIsFoundByName() {
        for (ErrorCode c : ErrorCode.values()) {
            assertSame(c, ErrorCode.fromCode(c.code()));
            assertEquals(true, c.httpStatus() >= 400 && c.httpStatus() < 600);
        }
    }
}
