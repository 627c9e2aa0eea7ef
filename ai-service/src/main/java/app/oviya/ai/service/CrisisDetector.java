package app.oviya.ai.service;

import app.oviya.common.safety.CrisisSignals;
import jakarta.enterprise.context.ApplicationScoped;

/** Checks every user turn for signs of suicide or self-harm risk (the phrases live in common). */
@ApplicationScoped
public class CrisisDetector {

    public enum Risk { NONE, HIGH }

    public Risk assess(String text) {
        return CrisisSignals.highRisk(text) ? Risk.HIGH : Risk.NONE;
    }
}
