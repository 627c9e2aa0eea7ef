package app.oviya.ai.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class UsageRepository implements PanacheRepositoryBase<UsageEvent, UUID> {
}
