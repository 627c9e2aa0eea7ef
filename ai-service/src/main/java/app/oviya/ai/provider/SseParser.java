package app.oviya.ai.provider;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * A minimal Server-Sent Events parser (WHATWG rules that LLM APIs use: {@code event:}, {@code data:}
 * joined by newlines, a blank line dispatches, lines starting with ':' are comments). Works on
 * bytes so a UTF-8 character split across two network chunks is decoded correctly.
 */
final class SseParser {

    private final BiConsumer<String, String> onEvent;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private String event;
    private StringBuilder data;

    SseParser(BiConsumer<String, String> onEvent) {
        this.onEvent = onEvent;
    }

    void feed(Buffer chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            byte b = chunk.getByte(i);
            if (b == '\n') {
                String l = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (l.endsWith("\r")) {
                    l = l.substring(0, l.length() - 1);
                }
                onLine(l);
            } else {
                line.write(b);
            }
        }
    }

    private void onLine(String l) {
        if (l.isEmpty()) {
            if (data != null) {
                onEvent.accept(event == null ? "message" : event, data.toString());
            }
            event = null;
            data = null;
            return;
        }
        if (l.startsWith(":")) {
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {
                // id and retry are not used by LLM APIs.
            }
        }
    }
}
