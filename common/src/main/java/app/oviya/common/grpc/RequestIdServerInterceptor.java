package app.oviya.common.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.MDC;

/** Puts the caller's request id (or a new one) into the logging context of every gRPC call. */
@ApplicationScoped
@GlobalInterceptor
public class RequestIdServerInterceptor implements ServerInterceptor {

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        String id = headers.get(RequestIds.METADATA_KEY);
        MDC.put(RequestIds.MDC_KEY, RequestIds.isAcceptable(id) ? id : UUID.randomUUID().toString());
        return next.startCall(call, headers);
    }
}
