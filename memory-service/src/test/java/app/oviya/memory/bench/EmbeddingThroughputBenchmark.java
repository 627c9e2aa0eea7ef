package app.oviya.memory.bench;

import app.oviya.common.embedding.MiniLm;
import com.sun.management.OperatingSystemMXBean;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * In-process embedding throughput (texts/s) of all-MiniLM-L6-v2, quantized vs full, with one
 * worker per core as the service runs it. Needs the bench profile (the full model is not a
 * runtime dependency). See docs/memory-benchmarks.md.
 */
public final class EmbeddingThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int texts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        List<String> corpus = corpus(texts);
        run("quantized, service session", MiniLm.quantized(), corpus, threads);
        run("quantized, langchain4j default", new AllMiniLmL6V2QuantizedEmbeddingModel(), corpus, threads);
        run("full (all-minilm-l6-v2)", new AllMiniLmL6V2EmbeddingModel(), corpus, threads);
    }

    static List<String> corpus(int n) {
        String[] subjects = {"My sister Priya", "I", "My best friend", "My boss", "My dog Bruno", "My mother"};
        String[] verbs = {"moved to Berlin last spring", "hates mornings and loves green tea", "has an interview on Friday",
                "wants to learn the violin before the summer", "felt anxious about the exam all week",
                "is planning a trip to Japan with friends from university"};
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(subjects[i % subjects.length] + " " + verbs[(i / subjects.length) % verbs.length] + " (" + i + ")");
        }
        return out;
    }

    static void run(String name, EmbeddingModel model, List<String> corpus, int threads) throws Exception {
        // Warm-up: the first calls load and optimise the ONNX session.
        for (int i = 0; i < 50; i++) {
            model.embed(TextSegment.from(corpus.get(i % corpus.size())));
        }
        for (int t : new int[] {1, threads}) {
            ExecutorService pool = Executors.newFixedThreadPool(t);
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (String text : corpus) {
                futures.add(pool.submit(() -> model.embed(TextSegment.from(text))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
            pool.shutdown();
            System.out.printf(Locale.ROOT, "%-32s threads=%d  %d texts in %.1f s  %.0f texts/s  %.1f ms/text/thread  %.2f ms CPU/text%n",
                    name, t, corpus.size(), seconds, corpus.size() / seconds, seconds * 1000 * t / corpus.size(), cpuMs / corpus.size());
        }
    }
}
