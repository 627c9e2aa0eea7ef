package app.oviya.chat.support;

import app.oviya.ai.v1.AiServiceGrpc;
import app.oviya.ai.v1.Completed;
import app.oviya.ai.v1.Emotion;
import app.oviya.ai.v1.GenerateEvent;
import app.oviya.ai.v1.GenerateRequest;
import app.oviya.ai.v1.Usage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scriptable ai-service: the test picks how the next Generate calls behave. */
public final class FakeAi extends AiServiceGrpc.AiServiceImplBase {

    public enum Mode {
        /** emotion, {@link #DELTAS}, completed. */
        REPLY,
        /** Fails at once with UNAVAILABLE, before any event. */
        UNAVAILABLE,
        /** emotion and the first {@link #MID_STREAM_DELTAS} deltas, then UNAVAILABLE. */
        FAIL_MID_STREAM
    }

    public static final List<String> DELTAS = List.of("Hello ", "there, ", "it's good ", "to hear from you.");
    public static final int MID_STREAM_DELTAS = 2;
    public static final String EMOTION_LABEL = "joy";
    public static final double EMOTION_INTENSITY = 0.75;

    public static volatile Mode mode = Mode.REPLY;
    /** Pause before each event, to keep a reply in flight (e.g. for concurrent duplicate sends). */
    public static volatile long delayMillis;
    public static final List<GenerateRequest> REQUESTS = new CopyOnWriteArrayList<>();

    public static void reset() {
        mode = Mode.REPLY;
        delayMillis = 0;
        REQUESTS.clear();
    }

    public static List<GenerateRequest> requestsOf(String userId) {
        return REQUESTS.stream().filter(r -> r.getUserId().equals(userId)).toList();
    }

    public static String fullReply() {
        return String.join("", DELTAS);
    }

    public static String partialReply() {
        return String.join("", DELTAS.subList(0, MID_STREAM_DELTAS));
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateEvent> out) {
        REQUESTS.add(request);
        Mode m = mode;
        if (m == Mode.UNAVAILABLE) {
            out.onError(Status.UNAVAILABLE.withDescription("fake ai-service is down").asRuntimeException());
            return;
        }
        Emotion emotion = Emotion.newBuilder().setLabel(EMOTION_LABEL).setIntensity(EMOTION_INTENSITY).build();
        send(out, GenerateEvent.newBuilder().setEmotion(emotion).build());
        int n = m == Mode.FAIL_MID_STREAM ? MID_STREAM_DELTAS : DELTAS.size();
        for (int i = 0; i < n; i++) {
            send(out, GenerateEvent.newBuilder().setDelta(DELTAS.get(i)).build());
        }
        if (m == Mode.FAIL_MID_STREAM) {
            pause();
            out.onError(Status.UNAVAILABLE.withDescription("fake ai-service lost its provider").asRuntimeException());
            return;
        }
        send(out, GenerateEvent.newBuilder().setCompleted(Completed.newBuilder()
                .setProvider("fake").setModel("fake-1").setOffline(false).setEmotion(emotion).setStopReason("end_turn")
                .setUsage(Usage.newBuilder().setInputTokens(42).setOutputTokens(12))).build());
        out.onCompleted();
    }

    private static void send(StreamObserver<GenerateEvent> out, GenerateEvent event) {
        pause();
        out.onNext(event);
    }

    private static void pause() {
        long d = delayMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
