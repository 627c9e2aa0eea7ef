package app.oviya.gateway.ratelimit;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A message that may be a cry for help is never stopped by a rate limit or a quota: the gateway
 * lets it through to chat/ai-service, which own crisis detection and add the safety resources.
 * This is only a cheap pre-check; it mirrors the HIGH_RISK patterns of ai-service's
 * {@code app.oviya.ai.service.CrisisDetector} and must stay at least as broad (a false positive
 * costs one extra message, a false negative could cost a life). Change both together.
 */
public final class CrisisExemption {

    private static final List<Pattern> PATTERNS = List.of(
            p("\\b(kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\\b"),
            p("\\bsuicid(e|al)\\b"),
            p("\\bend (my|it all|my own) li(fe|ves)\\b"),
            p("\\bend it all\\b"),
            p("\\b(don'?t|do not|no longer) want to (live|be alive|exist|wake up)\\b"),
            p("\\bbetter off (dead|without me)\\b"),
            p("\\bwant to die\\b"),
            p("\\bself[- ]harm"),
            p("\\b(overdose|take all (my|the) pills)\\b"));

    private CrisisExemption() {
    }

    public static boolean mayBeCrisis(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        String t = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        for (Pattern pattern : PATTERNS) {
            if (pattern.matcher(t).find()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }
}
