package app.oviya.common.testing;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Test fixtures: plaintext channels to a service under test, and fake peers on random ports. */
public final class GrpcTestSupport {

    private static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("oviya-error-code", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcTestSupport() {
    }

    /** A channel to a Quarkus app whose gRPC server shares the HTTP port. */
    public static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    /** Starts fake gRPC services on a random local port. */
    public static Server startServer(BindableService... services) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("localhost", 0));
        for (BindableService s : services) {
            builder.addService(s);
        }
        try {
            return builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void stop(Server server) {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void close(ManagedChannel channel) {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    /** The platform error code a failed call carried (e.g. "validation_failed"). */
    public static String errorCode(StatusRuntimeException e) {
        return e.getTrailers() == null ? null : e.getTrailers().get(ERROR_CODE);
    }

    public static Status.Code statusCode(StatusRuntimeException e) {
        return e.getStatus().getCode();
    }
}
