package app.oviya.memory.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import app.oviya.common.testing.GrpcTestSupport;
import app.oviya.memory.v1.ExtractFromTurnRequest;
import app.oviya.memory.v1.ListRequest;
import app.oviya.memory.v1.Memory;
import app.oviya.memory.v1.MemoryServiceGrpc;
import app.oviya.memory.v1.SearchRequest;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What memory search returns for a bare conversation opener ("hi", "good morning") compared with a
 * message about the user's life, for a returning user who has already told Oviya everything in the
 * extraction dataset (135 messages through the real ExtractFromTurn path: rules, embeddings,
 * consolidation). The response cache in ai-service may only answer turns that carry no memories,
 * so the share of openers that retrieve none decides how many openers it can serve
 * (docs/ai-benchmarks.md, "Response cache"). Figures are printed; the assertions keep retrieval
 * useful for real questions and quiet for greetings.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenerRetrievalTest {

    /** A question about the user's life and a word the memory it needs contains. */
    static final Map<String, String> ABOUT_THEIR_LIFE = Map.of(
            "how is Priya getting on in Berlin?", "priya",
            "I'm so nervous about the interview", "interview",
            "any ideas for a hike this weekend?", "hiking",
            "my migraine is back and I can't work", "migraine",
            "what could I cook tonight? nothing with nuts", "peanut",
            "I had a rough session with my therapist", "therap",
            "Ana called me from Madrid", "ana",
            "it's raining again, ugh", "rain");

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;
    MemoryServiceGrpc.MemoryServiceBlockingStub memory;
    final String user = UUID.randomUUID().toString();
    int stored;

    @BeforeAll
    void aReturningUserWhoHasSaidEverythingInTheDataset() throws IOException {
        channel = GrpcTestSupport.channel(url.getPort());
        memory = MemoryServiceGrpc.newBlockingStub(channel);
        int n = 0;
        for (String line : lines("/extraction/messages.tsv")) {
            String message = line.split("\t", 2)[0];
            memory.extractFromTurn(ExtractFromTurnRequest.newBuilder().setUserId(user)
                    .setMessageId(UUID.randomUUID().toString()).setUserText(message)
                    .setSentAt("2026-03-10T09:00:00Z").build());
            n++;
        }
        stored = memory.list(ListRequest.newBuilder().setUserId(user).setLimit(100).build()).getItemsCount();
        System.out.printf(Locale.ROOT, "%nOPENER RETRIEVAL: %d dataset messages -> %d current memories for one user%n", n, stored);
    }

    @AfterAll
    void close() {
        GrpcTestSupport.close(channel);
    }

    List<Memory> search(String query) {
        return memory.search(SearchRequest.newBuilder().setUserId(user).setQuery(query).setLimit(5).build()).getItemsList();
    }

    @Test
    void questionsAboutTheirLifeFindTheMemoryTheyNeed() {
        assertTrue(stored >= 60, "the dataset gives the user a full memory: " + stored);
        List<String> misses = new ArrayList<>();
        for (Map.Entry<String, String> q : ABOUT_THEIR_LIFE.entrySet()) {
            List<Memory> found = search(q.getKey());
            boolean hit = found.stream().anyMatch(m -> m.getContent().toLowerCase(Locale.ROOT).contains(q.getValue()));
            System.out.printf(Locale.ROOT, "  %-46s %d memories, top %s%n", q.getKey(), found.size(),
                    found.isEmpty() ? "-" : found.get(0).getScore() + " \"" + found.get(0).getContent() + "\"");
            if (!hit) {
                misses.add(q.getKey());
            }
        }
        assertTrue(misses.isEmpty(), "questions whose memory was not retrieved: " + misses);
    }

    @Test
    void bareOpenersRetrieveLittleAndNothingSensitive() throws IOException {
        List<String> openers = lines("/openers/greetings.txt");
        List<String> withMemories = new ArrayList<>();
        List<String> sensitive = new ArrayList<>();
        for (String opener : openers) {
            List<Memory> found = search(opener);
            if (!found.isEmpty()) {
                withMemories.add(opener + " -> " + found.get(0).getScore() + " \"" + found.get(0).getContent() + "\"");
            }
            found.stream().filter(Memory::getSensitive).forEach(m -> sensitive.add(opener + " -> " + m.getContent()));
        }
        System.out.printf(Locale.ROOT, "  openers retrieving memories: %d of %d %s%n", withMemories.size(), openers.size(), withMemories);
        assertTrue(openers.size() >= 20, "the shared opener list");
        // Measured 2026-11-28: 6 of 24 ("good morning" finds "dislikes mornings", "hi oviya" the user's
        // name); ai-service's ResponseCacheBenchmark uses that list. A greeting pulling in a diagnosis or
        // a trauma, or most greetings finding something, would mean the similarity floor stopped working.
        assertTrue(sensitive.isEmpty(), "a greeting never brings up a sensitive memory: " + sensitive);
        assertTrue(withMemories.size() * 3 <= openers.size(), "most openers find nothing: " + withMemories);
    }

    static List<String> lines(String resource) throws IOException {
        InputStream in = OpenerRetrievalTest.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the test class path");
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }
}
