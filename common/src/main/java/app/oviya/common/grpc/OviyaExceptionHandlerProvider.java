package app.oviya.common.grpc;

import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Maps what a gRPC service method failed with to a status, once for every service: domain
 * exceptions keep their code; anything unexpected is logged (with the request id) and hidden
 * behind INTERNAL.
 */
@ApplicationScoped
public class OviyaExceptionHandlerProvider implements ExceptionHandlerProvider {

    private static final Logger LOG = Logger.getLogger(OviyaExceptionHandlerProvider.class);

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new Handler<>(listener, call, metadata);
    }

    @Override
    public Throwable transform(Throwable t) {
        return map(t);
    }

    static StatusRuntimeException map(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && !(cause instanceof ServiceException)
                && !(cause instanceof StatusRuntimeException) && !(cause instanceof StatusException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ServiceException se) {
            return GrpcErrors.toStatus(se);
        }
        if (cause instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (cause instanceof StatusException se) {
            return new StatusRuntimeException(se.getStatus(), se.getTrailers());
        }
        LOG.errorf(t, "Unexpected failure [requestId=%s]", MDC.get(RequestIds.MDC_KEY));
        return Status.INTERNAL.withDescription("Internal error").asRuntimeException();
    }

    private static final class Handler<ReqT, RespT> extends ExceptionHandler<ReqT, RespT> {
        Handler(ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> call, Metadata metadata) {
            super(listener, call, metadata);
        }

        @Override
        protected void handleException(Throwable t, ServerCall<ReqT, RespT> call, Metadata metadata) {
            StatusRuntimeException sre = map(t);
            Metadata trailers = sre.getTrailers() != null ? sre.getTrailers() : metadata;
            call.close(sre.getStatus(), trailers);
        }
    }
}
