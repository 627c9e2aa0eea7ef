package app.oviya.chat.client;

import app.oviya.ai.v1.AiService;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.chat.config.ChatConfig;
import app.oviya.common.error.GrpcErrors;
import app.oviya.common.error.ServiceException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * ai-service's reply stream. A stream has no retry here (a retried stream would repeat text);
 * it gets deadlines for the first event and between events, and failures become domain errors.
 */
@ApplicationScoped
public class AiClient {

    private final AiService ai;
    private final ChatConfig config;

    public AiClient(@GrpcClient("ai") AiService ai, ChatConfig config) {
        this.ai = ai;
        this.config = config;
    }

    public Multi<GenerateEvent> generate(GenerateRequest request) {
        return ai.generate(request)
                .ifNoItem().after(config.replyIdleTimeout()).failWith(() -> ServiceException.unavailable("the AI took too long to answer"))
                .onFailure().transform(GrpcErrors::fromGrpc);
    }
}
