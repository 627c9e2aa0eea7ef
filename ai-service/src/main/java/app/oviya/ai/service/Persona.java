package app.oviya.ai.service;

import app.oviya.ai.config.AiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Oviya's system prompt, a versioned resource under persona/. */
@ApplicationScoped
public class Persona {

    private final String version;
    private final String text;

    public Persona(AiConfig config) {
        this.version = config.personaVersion();
        String resource = "/persona/" + version + ".txt";
        try (InputStream in = Persona.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("persona " + resource + " not found");
            }
            this.text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String version() {
        return version;
    }

    public String text() {
        return text;
    }
}
