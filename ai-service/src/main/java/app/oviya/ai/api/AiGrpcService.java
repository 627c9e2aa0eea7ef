package app.oviya.ai.api;

import app.oviya.ai.service.CompanionAgent;
import app.oviya.ai.v1.AiService;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;

@GrpcService
public class AiGrpcService implements AiService {

    private final CompanionAgent agent;

    public AiGrpcService(CompanionAgent agent) {
        this.agent = agent;
    }

    @Override
    public Multi<GenerateEvent> generate(GenerateRequest request) {
        return Multi.createFrom().deferred(() -> agent.generate(request));
    }
}
