package app.oviya.gateway.client;

import app.oviya.ai.v1.AiService;
import app.oviya.ai.v1.DeleteUserDataRequest;
import app.oviya.ai.v1.ExportUserDataRequest;
import app.oviya.ai.v1.UsageExport;
import app.oviya.common.error.GrpcErrors;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Timeout;

/** ai-service as the gateway uses it: only the user's data (usage records), for deletion and export. */
@ApplicationScoped
public class AiClient {

    private final AiService ai;

    public AiClient(@GrpcClient("ai") AiService ai) {
        this.ai = ai;
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<Long> deleteUserData(String userId) {
        return ai.deleteUserData(DeleteUserDataRequest.newBuilder().setUserId(userId).build()).map(r -> r.getDeleted())
                .onFailure().transform(GrpcErrors::fromGrpc);
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    public Uni<UsageExport> exportUserData(String userId) {
        return ai.exportUserData(ExportUserDataRequest.newBuilder().setUserId(userId).build()).onFailure().transform(GrpcErrors::fromGrpc);
    }
}
