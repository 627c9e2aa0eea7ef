package app.oviya.memory.service;

import java.time.LocalDate;

/**
 * One memory an extractor proposes to store. {@code subject} names what the memory is about (one
 * current memory per subject: a new one supersedes the old); null when similarity decides instead.
 * {@code category} is a sensitive category or null.
 */
public record Candidate(String content, String kind, float importance, String subject, String category, LocalDate eventDate) {

    public Candidate(String content, String kind, float importance) {
        this(content, kind, importance, null, null, null);
    }

    public boolean sensitive() {
        return category != null;
    }
}
