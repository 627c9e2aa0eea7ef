package app.oviya.auth.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<UserAccount, UUID> {

    public Uni<UserAccount> findByEmail(String normalizedEmail) {
        return find("email", normalizedEmail).firstResult();
    }
}
