package app.oviya.ai.api;

import app.oviya.ai.service.CompanionAgent;
import app.oviya.ai.service.UserDataService;
import app.oviya.ai.v1.AiService;
import app.oviya.ai.v1.DeleteUserDataRequest;
import app.oviya.ai.v1.DeleteUserDataResponse;
import app.oviya.ai.v1.ExportUserDataRequest;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.ai.v1.UsageExport;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@GrpcService
public class AiGrpcService implements AiService {

    private final CompanionAgent agent;
    private final UserDataService userData;

    public AiGrpcService(CompanionAgent agent, UserDataService userData) {
        this.agent = agent;
        this.userData = userData;
    }

    @Override
    public Multi<GenerateEvent> generate(GenerateRequest request) {
        return Multi.createFrom().deferred(() -> agent.generate(request));
    }

    @Override
    public Uni<DeleteUserDataResponse> deleteUserData(DeleteUserDataRequest request) {
        return Uni.createFrom().deferred(() -> userData.delete(request.getUserId()))
                .map(n -> DeleteUserDataResponse.newBuilder().setDeleted(n).build());
    }

    @Override
    public Uni<UsageExport> exportUserData(ExportUserDataRequest request) {
        return Uni.createFrom().deferred(() -> userData.export(request.getUserId()));
    }
}
