package app.oviya.chat.support;

import app.oviya.auth.v1.AuthServiceGrpc;
import app.oviya.auth.v1.GetUserRequest;
import app.oviya.auth.v1.Plan;
import app.oviya.auth.v1.User;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scriptable auth-service GetUser: profiles the test sets, or down, or too slow. */
public final class FakeAuth extends AuthServiceGrpc.AuthServiceImplBase {

    public enum Mode { ANSWER, FAIL, SLOW }

    /** Well beyond chat-service's 300 ms GetUser deadline. */
    public static final long SLOW_MILLIS = 2_000;

    public static volatile Mode mode = Mode.ANSWER;
    /** userId → (persona, country); users not listed have neither. */
    public static final Map<String, String[]> PROFILES = new ConcurrentHashMap<>();
    public static final List<String> CALLS = new CopyOnWriteArrayList<>();

    public static void reset() {
        mode = Mode.ANSWER;
        PROFILES.clear();
        CALLS.clear();
    }

    public static long callsOf(String userId) {
        return CALLS.stream().filter(userId::equals).count();
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<User> out) {
        CALLS.add(request.getUserId());
        switch (mode) {
            case FAIL -> {
                out.onError(Status.UNAVAILABLE.withDescription("fake auth-service is down").asRuntimeException());
                return;
            }
            case SLOW -> {
                try {
                    Thread.sleep(SLOW_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> {
            }
        }
        String[] p = PROFILES.getOrDefault(request.getUserId(), new String[] {"", ""});
        out.onNext(User.newBuilder().setId(request.getUserId()).setEmail(request.getUserId() + "@example.com").setDisplayName("Test")
                .setPlan(Plan.PLAN_PREMIUM).setTimezone("UTC").setPersona(p[0]).setCountry(p[1]).build());
        out.onCompleted();
    }
}
