package app.oviya.ai.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks every user turn for signs of suicide or self-harm risk. */
@ApplicationScoped
public class CrisisDetector {

    public enum Risk { NONE, HIGH }

    private static final List<Pattern> HIGH_RISK = List.of(
            // "myself" only: "this exam is killing me" or "my boss will kill me" are figures of speech.
            p("\\b(kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\\b"),
            p("\\bsuicid(e|al)\\b"),
            p("\\bend (my|it all|my own) li(fe|ves)\\b"),
            p("\\bend it all\\b"),
            p("\\b(don'?t|do not|no longer) want to (live|be alive|exist|wake up)\\b"),
            p("\\bbetter off (dead|without me)\\b"),
            p("\\bwant to die\\b"),
            p("\\bself[- ]harm"),
            p("\\b(overdose|take all (my|the) pills)\\b"));

    private static Pattern p(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    public Risk assess(String text) {
        if (text == null) {
            return Risk.NONE;
        }
        String t = text.toLowerCase(Locale.ROOT).replace('’', '\'');
        for (Pattern pattern : HIGH_RISK) {
            if (pattern.matcher(t).find()) {
                return Risk.HIGH;
            }
        }
        return Risk.NONE;
    }
}
