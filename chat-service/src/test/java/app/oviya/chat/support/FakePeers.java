package app.oviya.chat.support;

import app.oviya.common.testing.GrpcTestSupport;
import io.grpc.Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Starts fake ai-service and memory-service gRPC servers on random ports and points
 * chat-service's "ai" and "memory" clients at them. Tests steer the fakes through their static switches.
 */
public class FakePeers implements QuarkusTestResourceLifecycleManager {

    private Server ai;
    private Server memory;

    @Override
    public Map<String, String> start() {
        FakeAi.reset();
        FakeMemory.reset();
        ai = GrpcTestSupport.startServer(new FakeAi());
        memory = GrpcTestSupport.startServer(new FakeMemory());
        InetSocketAddress aiAddress = (InetSocketAddress) ai.getListenSockets().get(0);
        InetSocketAddress memoryAddress = (InetSocketAddress) memory.getListenSockets().get(0);
        // In the test launch mode Quarkus ignores a client's "port" and uses its "test-port", which
        // defaults to the app's own port: both are set so the clients reach the fakes.
        return Map.of(
                "quarkus.grpc.clients.ai.host", aiAddress.getAddress().getHostAddress(),
                "quarkus.grpc.clients.ai.port", Integer.toString(aiAddress.getPort()),
                "quarkus.grpc.clients.ai.test-port", Integer.toString(aiAddress.getPort()),
                "quarkus.grpc.clients.memory.host", memoryAddress.getAddress().getHostAddress(),
                "quarkus.grpc.clients.memory.port", Integer.toString(memoryAddress.getPort()),
                "quarkus.grpc.clients.memory.test-port", Integer.toString(memoryAddress.getPort()));
    }

    @Override
    public void stop() {
        GrpcTestSupport.stop(ai);
        GrpcTestSupport.stop(memory);
    }
}
