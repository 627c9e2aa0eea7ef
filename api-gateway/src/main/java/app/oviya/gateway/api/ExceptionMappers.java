package app.oviya.gateway.api;

import app.oviya.common.error.ErrorCode;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import app.oviya.common.grpc.RequestIds;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.grpc.StatusRuntimeException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure leaves the gateway as problem+json; nothing internal (no stack trace) leaks. */
public class ExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ExceptionMappers.class);

    @ServerExceptionMapper
    public Response serviceException(ServiceException e) {
        if (e.code() == ErrorCode.INTERNAL) {
            LOG.errorf(e, "Internal error [requestId=%s]", MDC.get(RequestIds.MDC_KEY));
        }
        return Problems.response(e);
    }

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e) {
        return serviceException((ServiceException) GrpcErrors.fromGrpc(e));
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return Problems.response(ErrorCode.VALIDATION_FAILED, "unknown field '" + e.getPropertyName() + "'");
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e) {
        return Problems.response(ErrorCode.VALIDATION_FAILED, "request body is not valid JSON");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problems.response(ErrorCode.NOT_FOUND, "no such resource");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return Response.fromResponse(Problems.response(new ServiceException(ErrorCode.VALIDATION_FAILED, "method not allowed")))
                .status(405).build();
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return Response.fromResponse(Problems.response(ErrorCode.VALIDATION_FAILED, "send the body as application/json"))
                .status(415).build();
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return Response.fromResponse(Problems.response(ErrorCode.VALIDATION_FAILED,
                "this endpoint answers application/json (or text/event-stream where documented)")).status(406).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return Problems.response(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
        }
        if (status >= 400 && status < 500) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonProcessingException jpe) {
                return cause instanceof UnrecognizedPropertyException upe ? unknownField(upe) : invalidJson(jpe);
            }
            return Response.fromResponse(Problems.response(ErrorCode.VALIDATION_FAILED, "bad request")).status(status).build();
        }
        LOG.errorf(e, "Unexpected HTTP failure [requestId=%s]", MDC.get(RequestIds.MDC_KEY));
        return Problems.response(ErrorCode.INTERNAL, "internal error");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        Throwable t = GrpcErrors.fromGrpc(e);
        if (t instanceof ServiceException se) {
            return serviceException(se);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ServiceException se) {
                return serviceException(se);
            }
            if (c instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                    || c instanceof org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException) {
                return Problems.response(ErrorCode.UNAVAILABLE, "a service is unavailable; please retry");
            }
        }
        LOG.errorf(e, "Unexpected failure [requestId=%s]", MDC.get(RequestIds.MDC_KEY));
        return Problems.response(ErrorCode.INTERNAL, "internal error");
    }
}
